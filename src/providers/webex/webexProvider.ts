/**
 * The Webex provider (SPEC §4a): each user authorizes callgate once (SPEC §5, through the
 * generic service in `src/userAuth/`); a call is a public room plus an ad-hoc meeting in it,
 * or, where Webex refuses rooms (a free organization answers 403), a meeting in the
 * user's personal room. https://developer.webex.com/docs/api/guides/meetings-api-scheduling
 */
import type { CallRequest, CheckResult, CreatedCall, Provider } from '../types.js';
import type { OAuthSpec, UserTokens } from '../../userAuth/types.js';
import type { Identity } from '../../auth/identity.js';
import { CallgateError } from '../../errors.js';
import { checkWebexConnection } from './connectionCheck.js';
import { adhocMeetingBody, personalRoomMeetingBody, roomBody } from './schemas.js';
import {
  isConfigured,
  webexRedirectUri,
  WEBEX_NOT_CONFIGURED,
  webexAvailability,
  type WebexSettings,
} from './settings.js';
import { createMeeting, createRoom, webexFailureToError, type WebexEndpoints, type WebexResult } from './webexApi.js';

/** What the provider is built from. */
export interface WebexProviderDeps {
  settings: WebexSettings;
  /** The OAuth declaration (SPEC §5) and the user tokens the generic service gave for it. */
  userAuth: { spec: OAuthSpec; tokens: UserTokens };
  publicUrl: string;
  timeoutMs: number;
  now: () => number;
}

/** Creates the Webex provider. */
export function createWebexProvider(deps: WebexProviderDeps): Provider {
  const endpoints: WebexEndpoints = { apiUrl: deps.settings.apiUrl, timeoutMs: deps.timeoutMs };
  const { settings } = deps;
  return {
    id: 'webex',
    name: 'Webex',
    // Webex meetings have no "cameras off" start: a voice request gets the ordinary meeting.
    capabilities: { voiceOnly: false, requiresUserAuthorization: true },
    oauth: deps.userAuth.spec,
    availability() {
      return webexAvailability(settings);
    },
    async createCall(request: CallRequest): Promise<CreatedCall> {
      if (!isConfigured(settings)) throw new CallgateError('PROVIDER_NOT_CONFIGURED', WEBEX_NOT_CONFIGURED);
      const { tokens } = deps.userAuth;
      const session = tokenSession(tokens, request.identity, await tokens.accessToken(request.identity));
      const { meetingName } = request;
      const room = await session.run((token) => createRoom(endpoints, token, roomBody(meetingName)));
      let meeting: Awaited<ReturnType<typeof createMeeting>>;
      if (room.ok) {
        meeting = await session.run((token) =>
          createMeeting(endpoints, token, adhocMeetingBody(meetingName, room.value.roomId)),
        );
      } else if (room.failure.kind === 'refused' && room.failure.status === 403) {
        // A free Webex organization may not create spaces; its users still have a personal room.
        const body = personalRoomMeetingBody(meetingName, deps.now());
        meeting = await session.run((token) => createMeeting(endpoints, token, body));
      } else {
        throw webexFailureToError(room.failure);
      }
      if (!meeting.ok) throw webexFailureToError(meeting.failure);
      return { url: meeting.value.webLink };
    },
    async checkConnection(): Promise<CheckResult> {
      if (!isConfigured(settings)) return { status: 'failed', reason: 'not_configured', detail: WEBEX_NOT_CONFIGURED };
      return checkWebexConnection(settings, {
        redirectUri: webexRedirectUri(deps.publicUrl),
        timeoutMs: deps.timeoutMs,
      });
    },
  };
}

/**
 * One call's use of the user's token. Webex answers 401 before doing anything, so a
 * refused request may be sent again with a refreshed token; that happens at most once per
 * call. A token Webex refuses even fresh is forgotten and the user must authorize again.
 */
function tokenSession(
  tokens: UserTokens,
  identity: Identity,
  initial: string,
): { run<T>(step: (token: string) => Promise<WebexResult<T>>): Promise<WebexResult<T>> } {
  let token = initial;
  let refreshed = false;
  const authorizeAgain = async (): Promise<never> => {
    await tokens.forget(identity);
    throw tokens.authorizationRequired(new Error('Webex refused a freshly refreshed access token'));
  };
  return {
    async run(step) {
      const first = await step(token);
      if (first.ok || first.failure.kind !== 'token_rejected') return first;
      if (refreshed) return authorizeAgain();
      refreshed = true;
      token = await tokens.refreshAfterRejection(identity, token);
      const second = await step(token);
      if (!second.ok && second.failure.kind === 'token_rejected') return authorizeAgain();
      return second;
    },
  };
}
