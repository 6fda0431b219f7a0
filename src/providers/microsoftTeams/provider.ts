/**
 * Microsoft Teams (SPEC §4a, work or school accounts): each user authorizes callgate once with
 * Microsoft; a call is an onlineMeeting created with the user's own token through Graph, and
 * its `joinWebUrl` is the join URL. Teams has no voice-only start through this API, so a voice
 * request gets an ordinary meeting (capabilities say so).
 */
import type { ConfigLine } from '../module.js';
import type { UserTokens } from '../../userAuth/types.js';
import type { CallRequest, Capabilities, CheckResult, CreatedCall } from '../types.js';
import { checkTokenEndpoint } from '../shared/tokenEndpointCheck.js';
import { withUserToken } from '../shared/userTokenRetry.js';
import { createOnlineMeeting, onlineMeetingBody } from './graphApi.js';
import { microsoftEndpoints } from './oauth.js';
import { MICROSOFT_TEAMS_NAME, MICROSOFT_TEAMS_NOT_CONFIGURED, type MicrosoftTeamsSettings } from './settings.js';

/** Teams meetings start with video; every user authorizes once. */
export const MICROSOFT_TEAMS_CAPABILITIES: Capabilities = { voiceOnly: false, requiresUserAuthorization: true };

/** What Microsoft Teams' calls and checks are made with. */
export interface MicrosoftTeamsDeps {
  settings: MicrosoftTeamsSettings;
  timeoutMs: number;
  /** `{PUBLIC_URL}/calls/microsoft_teams/complete`, sent with the connection check's made-up code. */
  redirectUri: string;
  now: () => number;
}

/** Creates an onlineMeeting with the user's token (one retry after a refused token, never more). */
export async function createMicrosoftTeamsCall(
  deps: MicrosoftTeamsDeps,
  tokens: UserTokens,
  request: CallRequest,
): Promise<CreatedCall> {
  const endpoint = { graphUrl: deps.settings.graphUrl, timeoutMs: deps.timeoutMs };
  const body = onlineMeetingBody({
    subject: request.meetingName,
    now: deps.now(),
    lobbyBypass: deps.settings.lobbyBypass,
  });
  const url = await withUserToken({
    tokens,
    identity: request.identity,
    displayName: MICROSOFT_TEAMS_NAME,
    attempt: async (accessToken) => {
      const outcome = await createOnlineMeeting(endpoint, accessToken, body);
      return outcome.kind === 'created' ? { kind: 'done', value: outcome.joinWebUrl } : outcome;
    },
  });
  return { url };
}

/** SPEC §6: a made-up code at the tenant's token endpoint tells good client credentials from bad. */
export async function checkMicrosoftTeamsConnection(deps: MicrosoftTeamsDeps): Promise<CheckResult> {
  const { clientId, clientSecret } = deps.settings;
  if (!clientId || !clientSecret) {
    return { status: 'failed', reason: 'not_configured', detail: MICROSOFT_TEAMS_NOT_CONFIGURED };
  }
  return checkTokenEndpoint({
    displayName: MICROSOFT_TEAMS_NAME,
    tokenEndpoint: microsoftEndpoints(deps.settings).token,
    clientId,
    clientSecret,
    redirectUri: deps.redirectUri,
    timeoutMs: deps.timeoutMs,
  });
}

/** check-config's lines (availability is printed by the core): where it points, never a secret. */
export function microsoftTeamsConfigLines(settings: MicrosoftTeamsSettings): ConfigLine[] {
  const client = settings.clientId
    ? `${settings.clientId} (secret ${settings.clientSecret ? 'set' : 'missing: video_microsoft_client_secret'})`
    : 'not set (VIDEO_MICROSOFT_CLIENT_ID, video_microsoft_client_secret)';
  return [
    { label: 'Microsoft Teams client', value: client },
    { label: 'Microsoft Teams tenant', value: settings.tenant },
    { label: 'Microsoft Teams token', value: microsoftEndpoints(settings).token },
    { label: 'Microsoft Teams Graph', value: settings.graphUrl },
    { label: 'Microsoft Teams lobby bypass', value: settings.lobbyBypass },
  ];
}
