/**
 * Webex's side of the shared per-user authorization (SPEC §5): what the generic service in
 * `src/userAuth/` needs to run `/calls/webex/register|complete`, refresh and disconnect.
 * https://developer.webex.com/docs/integrations#getting-an-access-token
 */
import type { OAuthSpec } from '../../userAuth/types.js';
import type { ConfiguredWebex } from './settings.js';

/** Scopes callgate asks for: meetings, and `spark:all` for creating the room they live in. */
export const WEBEX_SCOPE = 'meeting:schedules_read meeting:schedules_write spark:all';

/**
 * The declaration. Webex takes the client id and secret in the token request's form body
 * (`client_secret_post`). It publishes no RFC 7009 revocation endpoint for integrations,
 * so disconnecting deletes callgate's copy only; a user removes the grant at
 * https://idbroker.webex.com (or Webex's "My apps" page). A refresh answer carries a
 * refresh token (the same one or a new one); whichever arrives is stored.
 */
export function webexOAuthSpec(settings: ConfiguredWebex): OAuthSpec {
  return {
    providerId: 'webex',
    path: 'webex',
    displayName: 'Webex',
    popupMessageType: 'webex_token',
    authorizationEndpoint: `${settings.apiUrl}authorize`,
    tokenEndpoint: `${settings.apiUrl}access_token`,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    clientAuthentication: 'client_secret_post',
    scope: WEBEX_SCOPE,
  };
}
