/**
 * Microsoft Teams' side of the shared per-user authorization (SPEC §5), on the Microsoft
 * identity platform v2 authorization code flow:
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 *
 * - Endpoints are per tenant: `{login}/{tenant}/oauth2/v2.0/authorize|token`.
 * - `offline_access` is what makes Microsoft issue a refresh token; `OnlineMeetings.ReadWrite`
 *   is the delegated permission behind `POST /me/onlineMeetings`.
 * - Refresh tokens are replaced on every use
 *   (https://learn.microsoft.com/entra/identity-platform/refresh-tokens): the new one is
 *   stored before the new access token is used.
 * - There is no per-token revocation endpoint (revokeSignInSessions would sign the user out
 *   of everything), so disconnecting deletes callgate's copy only.
 * - Sign-in refusals come back to the redirect URL as `error=` with an AADSTS code in
 *   `error_description`; the page says what happened in our words, never Microsoft's text.
 */
import type { OAuthSpec } from '../../userAuth/types.js';
import { joinUrl } from '../shared/providerHttp.js';
import {
  MICROSOFT_TEAMS_ID,
  MICROSOFT_TEAMS_NAME,
  MICROSOFT_TEAMS_NOT_CONFIGURED,
  type MicrosoftTeamsSettings,
} from './settings.js';

/** The delegated scopes callgate asks for. */
export const MICROSOFT_TEAMS_SCOPE = 'offline_access OnlineMeetings.ReadWrite';

/** The tenant's authorize and token endpoints under the configured login URL. */
export function microsoftEndpoints(settings: Pick<MicrosoftTeamsSettings, 'loginUrl' | 'tenant'>): {
  authorization: string;
  token: string;
} {
  const tenant = encodeURIComponent(settings.tenant);
  return {
    authorization: joinUrl(settings.loginUrl, `${tenant}/oauth2/v2.0/authorize`),
    token: joinUrl(settings.loginUrl, `${tenant}/oauth2/v2.0/token`),
  };
}

const PERSONAL_ACCOUNT =
  'Personal Microsoft accounts (outlook.com, hotmail.com, live.com) cannot create Teams meetings. Sign in with your work or school account.';
const ADMIN_CONSENT =
  "Your organization requires an administrator to approve callgate before you can connect Microsoft Teams. Ask your Microsoft 365 administrator to grant admin consent for callgate's OnlineMeetings.ReadWrite permission.";
const NOT_FOR_THIS_TENANT =
  "callgate's Microsoft app is not registered for accounts of your organization; ask the callgate operator to check VIDEO_MICROSOFT_TENANT and the app's supported account types.";

/**
 * Words for the AADSTS codes a user can meet at sign-in
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
const AADSTS_WORDS: Record<string, string> = {
  // A personal account at a work-or-school endpoint, or at an app that does not take them.
  '50020': PERSONAL_ACCOUNT,
  '500200': PERSONAL_ACCOUNT,
  // Consent the user cannot give: the tenant lets only admins consent.
  '65001': ADMIN_CONSENT,
  '90094': ADMIN_CONSENT,
  '90095': ADMIN_CONSENT,
  '50194': NOT_FOR_THIS_TENANT,
  '700016': NOT_FOR_THIS_TENANT,
  '50105':
    'Your administrator has not assigned callgate to your account; ask them to give you access to the callgate app.',
  '53003': "Your organization's sign-in policy (Conditional Access) blocked this sign-in; ask your administrator.",
  '50011':
    "callgate's redirect URL is not registered in its Microsoft app; the operator must add callgate's /calls/microsoft_teams/complete URL as a Web redirect URI.",
  // The user pressed "Cancel" on the consent screen.
  '65004': 'You declined to let callgate create Teams meetings for you.',
};

/** Words for an `error=`/`error_description=` Microsoft sends back instead of a code; null = default. */
export function describeMicrosoftAuthorizeError(error: string, description: string | undefined): string | null {
  const code = /AADSTS(\d+)/.exec(description ?? '')?.[1];
  if (code !== undefined && AADSTS_WORDS[code]) return AADSTS_WORDS[code];
  if (/personal Microsoft account/i.test(description ?? '')) return PERSONAL_ACCOUNT;
  if (error === 'consent_required') return ADMIN_CONSENT;
  return null;
}

/** The OAuthSpec of Microsoft Teams (client id and secret null when not configured). */
export function microsoftTeamsOAuthSpec(settings: MicrosoftTeamsSettings): OAuthSpec {
  const endpoints = microsoftEndpoints(settings);
  return {
    providerId: MICROSOFT_TEAMS_ID,
    path: MICROSOFT_TEAMS_ID,
    displayName: MICROSOFT_TEAMS_NAME,
    messageType: `${MICROSOFT_TEAMS_ID}_token`,
    authorizeUrl: endpoints.authorization,
    tokenUrl: endpoints.token,
    // No revokeUrl: Microsoft has none per token (see above).
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    clientAuth: 'client_secret_post',
    scope: MICROSOFT_TEAMS_SCOPE,
    refreshTokenRotates: true,
    refreshTokenMayBeAbsent: false,
    // `query` is the default for `code`, named so the redirect never turns into a form post.
    extraAuthorizeParams: { response_mode: 'query' },
    describeAuthorizeError: describeMicrosoftAuthorizeError,
    texts: {
      notConfigured: MICROSOFT_TEAMS_NOT_CONFIGURED,
      invalidCredentials: `Invalid ${MICROSOFT_TEAMS_NAME} credentials`,
      providerError: `Failed to create ${MICROSOFT_TEAMS_NAME} call`,
    },
  };
}
