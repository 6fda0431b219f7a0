/**
 * Zoom general OAuth app (https://developers.zoom.us/docs/integrations/oauth/): each user
 * authorizes callgate once; meetings are created with the user's own token.
 */
import type { OAuthSpec, UserTokens } from '../../userAuth/types.js';
import type { CallRequest, CheckResult, CreatedCall, Provider } from '../types.js';
import { zoomUserAppAvailability, ZOOM_NOT_CONFIGURED } from './availability.js';
import { meetingBody } from './schemas.js';
import type { ZoomSettings } from './settings.js';
import { createMeeting, getCurrentUser, type ZoomEndpoints } from './zoomApi.js';

/** The general app's OAuth declaration (SPEC §5): paths, popup message and Zoom's endpoints. */
export function zoomOAuthSpec(config: ZoomSettings, timeoutMs: number): OAuthSpec {
  const endpoints: ZoomEndpoints = { apiUrl: config.apiUrl, oauthUrl: config.oauthUrl, timeoutMs };
  const configured = zoomUserAppAvailability(config).available;
  return {
    providerId: 'zoom',
    path: 'zoom',
    displayName: 'Zoom',
    messageType: 'zoom_token',
    authorizeUrl: `${config.oauthUrl}/oauth/authorize`,
    tokenUrl: `${config.oauthUrl}/oauth/token`,
    revokeUrl: `${config.oauthUrl}/oauth/revoke`,
    clientId: configured ? config.clientId : null,
    clientSecret: configured ? config.clientSecret : null,
    // https://developers.zoom.us/docs/integrations/oauth/#request-an-access-token: HTTP Basic.
    clientAuth: 'client_secret_basic',
    // Zoom refresh tokens are single-use and rotate on every refresh.
    refreshTokenRotates: true,
    refreshTokenMayBeAbsent: false,
    async lookUpAccount(accessToken) {
      const user = await getCurrentUser(endpoints, accessToken);
      return user ? { userId: user.zoomUserId, accountId: user.zoomAccountId } : null;
    },
    texts: { notConfigured: ZOOM_NOT_CONFIGURED },
  };
}

/** Creates the general OAuth app provider. */
export function createZoomProvider(deps: {
  config: ZoomSettings;
  timeoutMs: number;
  oauth: OAuthSpec;
  tokens: UserTokens;
}): Provider {
  const endpoints: ZoomEndpoints = {
    apiUrl: deps.config.apiUrl,
    oauthUrl: deps.config.oauthUrl,
    timeoutMs: deps.timeoutMs,
  };
  return {
    id: 'zoom',
    name: 'Zoom',
    capabilities: { voiceOnly: true, requiresUserAuthorization: true },
    oauth: deps.oauth,
    availability() {
      return zoomUserAppAvailability(deps.config);
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      const { identity } = request;
      const body = meetingBody(request.meetingName, request.isVideoCall);
      const token = await deps.tokens.accessToken(identity);
      const first = await createMeeting(endpoints, token, 'me', body);
      if (first.kind === 'created') return { url: first.joinUrl };
      // Refused before anything was created: one retry with a freshly refreshed token is safe.
      const second = await createMeeting(
        endpoints,
        await deps.tokens.refreshAfterRejection(identity, token),
        'me',
        body,
      );
      if (second.kind === 'created') return { url: second.joinUrl };
      await deps.tokens.forget(identity);
      throw deps.tokens.authorizationRequired(new Error('Zoom refused a freshly refreshed user token'));
    },
    /**
     * Without a user token there is nothing to create, so this checks what an admin can fix:
     * the token endpoint answers, and it does not refuse our client credentials.
     */
    async checkConnection(): Promise<CheckResult> {
      return deps.tokens.checkClient();
    },
  };
}
