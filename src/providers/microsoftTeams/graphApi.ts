/**
 * The Microsoft Graph call callgate makes: create an onlineMeeting for the signed-in user
 * (https://learn.microsoft.com/graph/api/application-post-onlinemeetings), through the one
 * upstream transport. Never retried here: a refused token is reported so the caller may retry
 * once with a fresh one (nothing was created then); anything else is final.
 */
import { z } from 'zod';
import { CallgateError } from '../../errors.js';
import { joinUrl, rateLimited, sendJson, unexpectedAnswer } from '../shared/providerHttp.js';
import { MICROSOFT_TEAMS_NAME, type LobbyBypassScope } from './settings.js';

/** SPEC §2 wording when Graph refuses to create a meeting. */
export const TEAMS_CALL_FAILED = `Failed to create ${MICROSOFT_TEAMS_NAME} call`;
/** SPEC §4a: Graph's 403 on onlineMeetings means the user has no Teams licence; said in words. */
export const TEAMS_NO_LICENCE = `${TEAMS_CALL_FAILED}: your Microsoft 365 account has no Microsoft Teams licence (ask your administrator to assign one)`;

/** How long a created meeting is scheduled for (SPEC §4a); it stays joinable after that. */
export const MEETING_DURATION_MS = 60 * 60 * 1000;

/** The created onlineMeeting (only what callgate uses): https://learn.microsoft.com/graph/api/resources/onlinemeeting */
export const onlineMeetingSchema = z.object({
  id: z.string().min(1),
  joinWebUrl: z.url(),
});

/** Graph's error body: https://learn.microsoft.com/graph/errors */
export const graphErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});

/** The body of `POST /me/onlineMeetings`: now to an hour from now, with the operator's lobby setting. */
export function onlineMeetingBody(options: {
  subject: string;
  now: number;
  lobbyBypass: LobbyBypassScope;
}): Record<string, unknown> {
  return {
    subject: options.subject,
    startDateTime: new Date(options.now).toISOString(),
    endDateTime: new Date(options.now + MEETING_DURATION_MS).toISOString(),
    lobbyBypassSettings: { scope: options.lobbyBypass },
  };
}

/** What a create attempt came to, when it did not fail outright. */
export type MeetingOutcome = { kind: 'created'; joinWebUrl: string } | { kind: 'token_rejected' };

/** Where Graph is and how long to wait for it. */
export interface GraphEndpoint {
  graphUrl: string;
  timeoutMs: number;
}

/** `POST {graph}/v1.0/me/onlineMeetings` with the user's token. */
export async function createOnlineMeeting(
  endpoint: GraphEndpoint,
  accessToken: string,
  body: Record<string, unknown>,
): Promise<MeetingOutcome> {
  const answer = await sendJson(MICROSOFT_TEAMS_NAME, {
    method: 'POST',
    url: joinUrl(endpoint.graphUrl, 'v1.0/me/onlineMeetings'),
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
    data: JSON.stringify(body),
    timeoutMs: endpoint.timeoutMs,
  });
  if (answer.status >= 200 && answer.status < 300) {
    const meeting = onlineMeetingSchema.safeParse(answer.json);
    if (!meeting.success) throw unexpectedAnswer(MICROSOFT_TEAMS_NAME, answer);
    return { kind: 'created', joinWebUrl: meeting.data.joinWebUrl };
  }
  if (answer.status === 401) return { kind: 'token_rejected' };
  // https://learn.microsoft.com/graph/throttling: 429 with Retry-After.
  if (answer.status === 429) throw rateLimited(MICROSOFT_TEAMS_NAME, answer.headers['retry-after']);
  const parsed = graphErrorSchema.safeParse(answer.json);
  if (answer.status >= 500 || !parsed.success) throw unexpectedAnswer(MICROSOFT_TEAMS_NAME, answer);
  const cause = new Error(`onlineMeetings: HTTP ${answer.status} ${parsed.data.error.code}`);
  if (answer.status === 403) throw new CallgateError('PROVIDER_ERROR', TEAMS_NO_LICENCE, { cause });
  throw new CallgateError('PROVIDER_ERROR', TEAMS_CALL_FAILED, { cause });
}
