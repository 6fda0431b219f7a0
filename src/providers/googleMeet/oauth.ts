/**
 * Google Meet's side of the shared per-user authorization (SPEC §5), as Google's OAuth 2.0
 * for web server applications describes it:
 * https://developers.google.com/identity/protocols/oauth2/web-server
 *
 * - `access_type=offline` asks for a refresh token, and `prompt=consent` makes Google issue
 *   one on every connection (without it, a user who connected before gets none).
 * - A refresh answer carries no new refresh token: the stored one stays valid (it is not
 *   rotated), so the service keeps it.
 * - Refresh tokens die silently (user revoked access, six months unused, more than 100 live
 *   tokens per user and client, seven days for an app in "Testing" status): the refresh
 *   answers `invalid_grant`, which the service turns into "authorize again".
 * - Google accepts client credentials in the form body (`client_secret_post`), and revokes
 *   at `/revoke` (RFC 7009 style; revoking the refresh token ends the whole grant).
 */
import type { OAuthSpec } from '../../userAuth/types.js';
import { joinUrl } from '../shared/providerHttp.js';
import { GOOGLE_MEET_ID, GOOGLE_MEET_NAME, GOOGLE_MEET_NOT_CONFIGURED, type GoogleMeetSettings } from './settings.js';

/** The one scope callgate asks for: create spaces, and see only the spaces it created. */
export const GOOGLE_MEET_SCOPE = 'https://www.googleapis.com/auth/meetings.space.created';

/** Google's authorize, token and revocation endpoints under the configured base URLs. */
export function googleEndpoints(settings: Pick<GoogleMeetSettings, 'oauthUrl' | 'tokenUrl'>): {
  authorization: string;
  token: string;
  revocation: string;
} {
  return {
    authorization: joinUrl(settings.oauthUrl, 'o/oauth2/v2/auth'),
    token: joinUrl(settings.tokenUrl, 'token'),
    revocation: joinUrl(settings.tokenUrl, 'revoke'),
  };
}

/**
 * Words for an `error=` Google sends back to the redirect URL instead of a code
 * (https://developers.google.com/identity/protocols/oauth2/web-server#handlingresponse);
 * null for a plain refusal, which the service's default "you declined" covers.
 */
export function describeGoogleAuthorizeError(error: string): string | null {
  switch (error) {
    case 'admin_policy_enforced':
      return 'Your Google Workspace administrator does not allow callgate to create Google Meet meetings. Ask them to allow the app and its Meet scope.';
    case 'org_internal':
      return "callgate's Google app is limited to users of another Google Workspace organization; sign in with an account of that organization.";
    case 'invalid_scope':
    case 'unauthorized_client':
    case 'invalid_client':
      return "callgate's Google app is not set up for Google Meet; the operator must check its OAuth client and enabled APIs.";
    default:
      return null;
  }
}

/** The OAuthSpec of Google Meet (client id and secret null when not configured). */
export function googleMeetOAuthSpec(settings: GoogleMeetSettings): OAuthSpec {
  const endpoints = googleEndpoints(settings);
  return {
    providerId: GOOGLE_MEET_ID,
    path: GOOGLE_MEET_ID,
    displayName: GOOGLE_MEET_NAME,
    messageType: `${GOOGLE_MEET_ID}_token`,
    authorizeUrl: endpoints.authorization,
    tokenUrl: endpoints.token,
    revokeUrl: endpoints.revocation,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    clientAuth: 'client_secret_post',
    scope: GOOGLE_MEET_SCOPE,
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    refreshTokenRotates: false,
    refreshTokenMayBeAbsent: true,
    describeAuthorizeError: (error) => describeGoogleAuthorizeError(error),
    texts: {
      notConfigured: GOOGLE_MEET_NOT_CONFIGURED,
      invalidCredentials: `Invalid ${GOOGLE_MEET_NAME} credentials`,
      providerError: `Failed to create ${GOOGLE_MEET_NAME} call`,
    },
  };
}
