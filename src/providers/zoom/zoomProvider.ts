/**
 * Zoom general OAuth app (https://developers.zoom.us/docs/integrations/oauth/): each user
 * authorizes callgate once; meetings are created with the user's own token.
 */
import type { Config } from '../../config/index.js';
import type { CallRequest, CheckResult, CreatedCall, Provider } from '../types.js';
import { zoomUserAppAvailability } from './availability.js';
import { meetingBody } from './schemas.js';
import type { UserTokens } from '../../userAuth/types.js';
import { createMeeting, type ZoomEndpoints } from './zoomApi.js';

/** Creates the general OAuth app provider. */
export function createZoomProvider(deps: {
  config: Config['zoom'];
  timeoutMs: number;
  tokens: UserTokens;
}): Provider & { id: 'zoom' } {
  const endpoints: ZoomEndpoints = {
    apiUrl: deps.config.apiUrl,
    oauthUrl: deps.config.oauthUrl,
    timeoutMs: deps.timeoutMs,
  };
  return {
    id: 'zoom',
    name: 'Zoom',
    capabilities: { voiceOnly: true, requiresUserAuthorization: true },
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
    checkConnection(): Promise<CheckResult> {
      return deps.tokens.checkClient();
    },
  };
}
