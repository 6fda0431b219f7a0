/**
 * The Meet REST API call callgate makes: `spaces.create`
 * (https://developers.google.com/workspace/meet/api/reference/rest/v2/spaces/create), through
 * the one upstream transport. Never retried here: a refused token is reported so the caller
 * may retry once with a fresh one (nothing was created then); anything else is final.
 */
import { z } from 'zod';
import { CallgateError } from '../../errors.js';
import { joinUrl, rateLimited, sendJson, unexpectedAnswer } from '../shared/providerHttp.js';
import { GOOGLE_MEET_NAME, type GoogleMeetAccessType } from './settings.js';

/** SPEC §2 wording when Meet refuses to create a space. */
export const GOOGLE_MEET_CALL_FAILED = `Failed to create ${GOOGLE_MEET_NAME} call`;

/** The created Space (only what callgate uses): https://developers.google.com/workspace/meet/api/reference/rest/v2/spaces#Space */
export const spaceSchema = z.object({
  name: z.string().min(1),
  meetingUri: z.url(),
  meetingCode: z.string().optional(),
});

/**
 * Google's API error body (https://cloud.google.com/apis/design/errors#http_mapping), e.g.
 * `{"error":{"code":403,"message":"…","status":"PERMISSION_DENIED","details":[{"reason":"…"}]}}`.
 */
export const googleApiErrorSchema = z.object({
  error: z.object({
    code: z.number(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
  }),
});

/** The request body: Meet's defaults, or the operator's access type. */
export function spaceRequestBody(accessType: GoogleMeetAccessType | null): Record<string, unknown> {
  return accessType ? { config: { accessType } } : {};
}

/** What a create attempt came to, when it did not fail outright. */
export type SpaceOutcome =
  | { kind: 'created'; meetingUri: string }
  /** 401: the access token was refused before anything was created. */
  | { kind: 'token_rejected' }
  /** 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT: the user unticked the Meet scope on Google's consent screen. */
  | { kind: 'scope_missing' };

/** Where Meet is and how long to wait for it. */
export interface MeetEndpoint {
  apiUrl: string;
  timeoutMs: number;
}

/** `POST {api}/v2/spaces` with the user's token. */
export async function createSpace(
  endpoint: MeetEndpoint,
  accessToken: string,
  accessType: GoogleMeetAccessType | null,
): Promise<SpaceOutcome> {
  const answer = await sendJson(GOOGLE_MEET_NAME, {
    method: 'POST',
    url: joinUrl(endpoint.apiUrl, 'v2/spaces'),
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
    data: JSON.stringify(spaceRequestBody(accessType)),
    timeoutMs: endpoint.timeoutMs,
  });
  if (answer.status >= 200 && answer.status < 300) {
    const space = spaceSchema.safeParse(answer.json);
    if (!space.success) throw unexpectedAnswer(GOOGLE_MEET_NAME, answer);
    return { kind: 'created', meetingUri: space.data.meetingUri };
  }
  if (answer.status === 401) return { kind: 'token_rejected' };
  if (answer.status === 429) throw rateLimited(GOOGLE_MEET_NAME, answer.headers['retry-after']);
  const parsed = googleApiErrorSchema.safeParse(answer.json);
  if (answer.status >= 500 || !parsed.success) throw unexpectedAnswer(GOOGLE_MEET_NAME, answer);
  const reasons = (parsed.data.error.details ?? []).map((detail) => detail.reason);
  if (answer.status === 403 && reasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT')) return { kind: 'scope_missing' };
  const cause = new Error(
    `spaces.create: HTTP ${answer.status} ${parsed.data.error.status ?? ''} ${reasons.filter(Boolean).join(',')}`.trim(),
  );
  if (answer.status === 403 && reasons.includes('SERVICE_DISABLED')) {
    // https://cloud.google.com/service-usage/docs/enable-disable: the project never enabled the API.
    throw new CallgateError(
      'PROVIDER_ERROR',
      `${GOOGLE_MEET_CALL_FAILED}: the Google Meet REST API is not enabled in callgate's Google Cloud project`,
      { cause },
    );
  }
  throw new CallgateError('PROVIDER_ERROR', GOOGLE_MEET_CALL_FAILED, { cause });
}
