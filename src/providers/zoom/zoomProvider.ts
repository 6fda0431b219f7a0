/**
 * Zoom general OAuth app (https://developers.zoom.us/docs/integrations/oauth/): each user
 * authorizes callgate once; meetings are created with the user's own token.
 */
import type { Config } from '../../config/index.js';
import { isCallgateError } from '../../errors.js';
import type { CallRequest, CheckResult, CreatedCall, Provider } from '../types.js';
import { zoomUserAppAvailability } from './availability.js';
import { InvalidGrantError, type ZoomOAuthClient } from './oauthClient.js';
import { meetingBody } from './schemas.js';
import { authorizationRequired, type ZoomUserTokens } from './userTokens.js';
import { createMeeting, type ZoomEndpoints } from './zoomApi.js';

/** Creates the general OAuth app provider. */
export function createZoomProvider(deps: {
  config: Config['zoom'];
  timeoutMs: number;
  publicUrl: string;
  tokens: ZoomUserTokens;
  oauth: ZoomOAuthClient | null;
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
      throw authorizationRequired(deps.publicUrl, new Error('Zoom refused a freshly refreshed user token'));
    },
    /**
     * Without a user token there is nothing to create, so this checks what an admin can fix:
     * the token endpoint answers, and it does not refuse our client credentials. A refresh
     * with a made-up refresh token must be answered `invalid_grant`; `invalid_client` (or
     * any other 4xx) means the client id or secret is wrong.
     */
    async checkConnection(): Promise<CheckResult> {
      if (!deps.oauth)
        return { status: 'failed', reason: 'not_configured', detail: 'Zoom credentials have not been configured' };
      try {
        await deps.oauth.refresh('callgate-connection-check');
        return { status: 'failed', reason: 'unexpected_answer', detail: 'Zoom accepted a made-up refresh token' };
      } catch (error) {
        if (error instanceof InvalidGrantError) return { status: 'ok' };
        if (isCallgateError(error) && error.code === 'PROVIDER_AUTH_FAILED') {
          return { status: 'failed', reason: 'invalid_credentials', detail: error.message };
        }
        const detail = isCallgateError(error) ? error.message : 'Unexpected error';
        return { status: 'failed', reason: 'unreachable', detail };
      }
    },
  };
}
