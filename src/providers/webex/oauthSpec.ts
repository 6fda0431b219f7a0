/**
 * Webex's side of the shared per-user authorization (SPEC §5): what the generic service in
 * `src/userAuth/` needs to run `/calls/webex/register|complete`, refresh and disconnect.
 * https://developer.webex.com/docs/integrations#getting-an-access-token
 */
import type { OAuthSpec } from '../../userAuth/types.js';
import { isConfigured, type WebexSettings } from './settings.js';

/** Scopes callgate asks for: meetings, and `spark:all` for creating the room they live in. */
export const WEBEX_SCOPE = 'meeting:schedules_read meeting:schedules_write spark:all';

/**
 * The declaration; client id and secret are null unless both are configured, so the routes
 * answer PROVIDER_NOT_CONFIGURED. Webex takes the client id and secret in the token
 * request's form body (`client_secret_post`). It publishes no RFC 7009 revocation endpoint
 * for integrations, so disconnecting deletes callgate's copy only (a user removes the grant
 * in Webex's settings). Webex answers a refresh with a refresh token that lives 90 days;
 * the service stores whichever arrives before using it, so rotation would be safe too.
 */
export function webexOAuthSpec(settings: WebexSettings): OAuthSpec {
  const configured = isConfigured(settings);
  return {
    providerId: 'webex',
    path: 'webex',
    displayName: 'Webex',
    messageType: 'webex_token',
    authorizeUrl: `${settings.apiUrl}authorize`,
    tokenUrl: `${settings.apiUrl}access_token`,
    clientId: configured ? settings.clientId : null,
    clientSecret: configured ? settings.clientSecret : null,
    clientAuth: 'client_secret_post',
    scope: WEBEX_SCOPE,
    refreshTokenRotates: false,
    refreshTokenMayBeAbsent: false,
  };
}
