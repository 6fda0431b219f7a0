/**
 * Google Meet (SPEC §4a): each user authorizes callgate once with Google; a call is a new Meet
 * space created with the user's own token, and its `meetingUri` is the join URL. Meet has no
 * voice-only start, so a voice request gets an ordinary meeting (capabilities say so).
 */
import type { ConfigLine } from '../module.js';
import type { UserTokens } from '../../userAuth/types.js';
import type { Capabilities, CallRequest, CheckResult, CreatedCall } from '../types.js';
import { checkTokenEndpoint } from '../shared/tokenEndpointCheck.js';
import { withUserToken } from '../shared/userTokenRetry.js';
import { createSpace } from './meetApi.js';
import { googleEndpoints } from './oauth.js';
import { GOOGLE_MEET_NAME, GOOGLE_MEET_NOT_CONFIGURED, type GoogleMeetSettings } from './settings.js';

/** Meet cannot start with cameras off; every user authorizes once. */
export const GOOGLE_MEET_CAPABILITIES: Capabilities = { voiceOnly: false, requiresUserAuthorization: true };

/** What Google Meet's calls and checks are made with. */
export interface GoogleMeetDeps {
  settings: GoogleMeetSettings;
  timeoutMs: number;
  /** `{PUBLIC_URL}/calls/google_meet/complete`, sent with the connection check's made-up code. */
  redirectUri: string;
}

/** Creates a Meet space with the user's token (one retry after a refused token, never more). */
export async function createGoogleMeetCall(
  deps: GoogleMeetDeps,
  tokens: UserTokens,
  request: CallRequest,
): Promise<CreatedCall> {
  const endpoint = { apiUrl: deps.settings.apiUrl, timeoutMs: deps.timeoutMs };
  const url = await withUserToken({
    tokens,
    identity: request.identity,
    displayName: GOOGLE_MEET_NAME,
    attempt: async (accessToken) => {
      const outcome = await createSpace(endpoint, accessToken, deps.settings.accessType);
      if (outcome.kind === 'created') return { kind: 'done', value: outcome.meetingUri };
      if (outcome.kind === 'token_rejected') return outcome;
      // Google's consent screen lets a user untick the one scope callgate needs; the token
      // is useless, so it is dropped and the user is asked to connect again, ticking it.
      await tokens.forget(request.identity);
      throw tokens.authorizationRequired(new Error('the Google token lacks the meetings.space.created scope'));
    },
  });
  return { url };
}

/** SPEC §6: a made-up code at Google's token endpoint tells good client credentials from bad. */
export async function checkGoogleMeetConnection(deps: GoogleMeetDeps): Promise<CheckResult> {
  const { clientId, clientSecret } = deps.settings;
  if (!clientId || !clientSecret)
    return { status: 'failed', reason: 'not_configured', detail: GOOGLE_MEET_NOT_CONFIGURED };
  return checkTokenEndpoint({
    displayName: GOOGLE_MEET_NAME,
    tokenEndpoint: googleEndpoints(deps.settings).token,
    clientId,
    clientSecret,
    redirectUri: deps.redirectUri,
    timeoutMs: deps.timeoutMs,
  });
}

/** check-config's lines (availability is printed by the core): where it points, never a secret. */
export function googleMeetConfigLines(settings: GoogleMeetSettings): ConfigLine[] {
  const client = settings.clientId
    ? `${settings.clientId} (secret ${settings.clientSecret ? 'set' : 'missing: video_google_client_secret'})`
    : 'not set (VIDEO_GOOGLE_CLIENT_ID, video_google_client_secret)';
  return [
    { label: 'Google Meet client', value: client },
    { label: 'Google Meet authorize', value: googleEndpoints(settings).authorization },
    { label: 'Google Meet token', value: googleEndpoints(settings).token },
    { label: 'Google Meet API', value: settings.apiUrl },
    { label: 'Google Meet access type', value: settings.accessType ?? "Meet's default" },
  ];
}
