/**
 * Zoom server-to-server OAuth app (https://developers.zoom.us/docs/internal-apps/s2s-oauth/):
 * one account token for the whole server, meetings created for the caller's email.
 */
import type { ZoomSettings } from './settings.js';
import { isCallgateError } from '../../errors.js';
import { createCredentialCache } from '../credentialCache.js';
import {
  chooseAccount,
  availabilityWithCredentials,
  type CallRequest,
  type CheckResult,
  type CreatedCall,
  type OrgContext,
  type Provider,
} from '../types.js';
import { createAccountTokenCache, type AccountTokenCache } from './accountToken.js';
import { zoomOrgCredentialsSchema } from './orgCredentials.js';
import { zoomServerToServerAvailability, ZOOM_NOT_CONFIGURED } from './availability.js';
import { meetingBody } from './schemas.js';
import { createMeeting, requestAccountToken, ZOOM_CALL_FAILED, type ZoomEndpoints } from './zoomApi.js';
import { CallgateError } from '../../errors.js';

/** Creates the server-to-server provider. */
export function createZoomServerToServerProvider(deps: {
  config: ZoomSettings;
  timeoutMs: number;
  now: () => number;
}): Provider & { id: 'zoom_server_to_server' } {
  const { config } = deps;
  const endpoints: ZoomEndpoints = { apiUrl: config.apiUrl, oauthUrl: config.oauthUrl, timeoutMs: deps.timeoutMs };
  const serverTokens = createAccountTokenCache({
    now: deps.now,
    fetchToken: () => {
      const { clientId, clientSecret, accountId } = config;
      if (!clientId || !clientSecret || !accountId) {
        return Promise.reject(new CallgateError('PROVIDER_NOT_CONFIGURED', ZOOM_NOT_CONFIGURED));
      }
      return requestAccountToken(endpoints, { clientId, clientSecret, accountId });
    },
  });
  // An organization's own app gets its own token cache: its token never serves another org.
  const orgTokens = createCredentialCache((fields) => {
    const own = zoomOrgCredentialsSchema.parse(fields);
    return createAccountTokenCache({
      now: deps.now,
      fetchToken: () =>
        requestAccountToken(endpoints, {
          clientId: own.client_id,
          clientSecret: own.client_secret,
          accountId: own.account_id,
        }),
    });
  });
  /** The org's own app when it has one, never the server's in its place. */
  const tokensFor = (orgContext: OrgContext): AccountTokenCache => {
    const tokens = chooseAccount(orgContext, 'zoom_server_to_server', {
      own: (state) => orgTokens.get(state),
      server: serverTokens,
    });
    if (!tokens) throw new CallgateError('PROVIDER_NOT_CONFIGURED', ZOOM_NOT_CONFIGURED);
    return tokens;
  };

  return {
    id: 'zoom_server_to_server',
    name: 'Zoom (server-to-server)',
    capabilities: { voiceOnly: true, requiresUserAuthorization: false },
    availability(orgContext) {
      return availabilityWithCredentials(orgContext, 'zoom_server_to_server', ZOOM_NOT_CONFIGURED, () =>
        zoomServerToServerAvailability(config),
      );
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      const userPath = encodeURIComponent(request.identity.email);
      const body = meetingBody(request.meetingName, request.isVideoCall);
      const tokens = tokensFor(request.orgContext);
      const token = await tokens.get();
      const first = await createMeeting(endpoints, token, userPath, body);
      if (first.kind === 'created') return { url: first.joinUrl };
      // Zoom refused the token (401 / code 124) before creating anything, so one retry with
      // a freshly fetched token cannot make a second meeting.
      tokens.invalidate(token);
      const second = await createMeeting(endpoints, await tokens.get(), userPath, body);
      if (second.kind === 'created') return { url: second.joinUrl };
      throw new CallgateError('PROVIDER_AUTH_FAILED', 'Invalid Zoom credentials', {
        cause: new Error(`${ZOOM_CALL_FAILED}: a fresh account token was refused`),
      });
    },
    async checkConnection(orgContext): Promise<CheckResult> {
      try {
        await tokensFor(orgContext).get();
        return { status: 'ok' };
      } catch (error) {
        if (isCallgateError(error) && error.code === 'PROVIDER_AUTH_FAILED') {
          return { status: 'failed', reason: 'invalid_credentials', detail: error.message };
        }
        const detail = isCallgateError(error) ? error.message : 'Unexpected error';
        return { status: 'failed', reason: 'unreachable', detail };
      }
    },
  };
}
