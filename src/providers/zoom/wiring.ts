/**
 * The general Zoom OAuth app as an `OAuthSpec` for the per-user authorization service
 * (https://developers.zoom.us/docs/integrations/oauth/): HTTP Basic client authentication,
 * no scope parameter (the app's scopes are set in Zoom's marketplace), rotating refresh
 * tokens, and the Zoom user behind a token recorded for the deauthorization webhook.
 */
import type { Config } from '../../config/index.js';
import type { OAuthSpec } from '../../userAuth/types.js';
import { zoomUserAppAvailability } from './availability.js';
import { getCurrentUser } from './zoomApi.js';

/** The spec; client id and secret are null unless the general OAuth app is configured (SPEC §3). */
export function zoomOAuthSpec(zoom: Config['zoom'], timeoutMs: number): OAuthSpec {
  const configured = zoomUserAppAvailability(zoom).available;
  const endpoints = { apiUrl: zoom.apiUrl, oauthUrl: zoom.oauthUrl, timeoutMs };
  return {
    providerId: 'zoom',
    path: 'zoom',
    displayName: 'Zoom',
    messageType: 'zoom_token',
    authorizeUrl: `${zoom.oauthUrl}/oauth/authorize`,
    tokenUrl: `${zoom.oauthUrl}/oauth/token`,
    revokeUrl: `${zoom.oauthUrl}/oauth/revoke`,
    clientId: configured ? zoom.clientId : null,
    clientSecret: configured ? zoom.clientSecret : null,
    clientAuth: 'client_secret_basic',
    refreshTokenRotates: true,
    refreshTokenMayBeAbsent: false,
    async lookUpAccount(accessToken) {
      const user = await getCurrentUser(endpoints, accessToken);
      return user ? { userId: user.zoomUserId, accountId: user.zoomAccountId } : null;
    },
  };
}
