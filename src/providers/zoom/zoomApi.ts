/**
 * Zoom's REST API and the server-to-server token endpoint through the one upstream client
 * (`http/upstream.ts`): every request has the deadline, follows no redirect, and is never retried here. Answers are mapped to
 * CallgateErrors with Zulip's wording; transport failures to PROVIDER_TIMEOUT / PROVIDER_UNAVAILABLE.
 * Error codes: https://developers.zoom.us/docs/api/rest/error-definitions/
 */
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import { CallgateError } from '../../errors.js';
import {
  apiErrorSchema,
  currentUserSchema,
  meetingResponseSchema,
  tokenResponseSchema,
  type MeetingRequestBody,
} from './schemas.js';

/** Zulip's text when Zoom refuses to create a meeting. */
export const ZOOM_CALL_FAILED = 'Failed to create Zoom call';
/** Zulip's text when Zoom refuses callgate's client credentials. */
export const ZOOM_INVALID_CREDENTIALS = 'Invalid Zoom credentials';
/** Zulip's text when the user's email is not in the Zoom account. */
export const ZOOM_UNKNOWN_USER = 'Unknown Zoom user email';
/** Retry-After used when Zoom rate-limits without saying for how long. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Zoom's code for a refused access token (sent with HTTP 401). */
const INVALID_ACCESS_TOKEN = 124;
/** Zoom's code for an email that is not a user of the account. */
const USER_DOES_NOT_EXIST = 1001;

/** Where Zoom is and how long to wait for it. */
export interface ZoomEndpoints {
  apiUrl: string;
  oauthUrl: string;
  timeoutMs: number;
}

/** A meeting creation either made a meeting or had its token refused before doing anything. */
export type MeetingOutcome = { kind: 'created'; joinUrl: string } | { kind: 'token_rejected' };

/** An access token and how long it lives. */
export interface AccessTokenGrant {
  accessToken: string;
  expiresInSeconds: number;
}

/** Zoom's answers are small JSON documents; anything larger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

interface RawAnswer {
  status: number;
  headers: UpstreamAnswer['headers'];
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

/** Maps a transport failure (no HTTP answer) to a CallgateError; the cause is kept. */
export function transportError(error: unknown): CallgateError {
  if (error instanceof UpstreamError && error.failure.kind === 'timeout') {
    return new CallgateError('PROVIDER_TIMEOUT', 'Timed out connecting to the Zoom server', { cause: error });
  }
  return new CallgateError('PROVIDER_UNAVAILABLE', 'Error connecting to the Zoom server', { cause: error });
}

/** RATE_LIMITED carrying Zoom's Retry-After (seconds or HTTP date), or the default. */
export function rateLimited(retryAfter: unknown, cause?: unknown): CallgateError {
  const seconds = retryAfterSeconds(retryAfter);
  return new CallgateError('RATE_LIMITED', 'Zoom is rate-limiting requests; try again later', {
    cause,
    headers: { 'Retry-After': String(seconds) },
    fields: { retry_after: seconds },
  });
}

function retryAfterSeconds(value: unknown): number {
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - Date.now()) / 1000));
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

async function send(
  endpoints: ZoomEndpoints,
  request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; data?: string },
): Promise<RawAnswer> {
  let answer: UpstreamAnswer;
  try {
    answer = await upstreamRequest({ ...request, timeoutMs: endpoints.timeoutMs, maxBytes: MAX_ANSWER_BYTES });
  } catch (error) {
    throw transportError(error);
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  return { status: answer.status, headers: answer.headers, json };
}

function unavailable(answer: RawAnswer, what: string): CallgateError {
  return new CallgateError('PROVIDER_UNAVAILABLE', `Error connecting to the Zoom server: HTTP ${answer.status}`, {
    cause: new Error(`${what}: unexpected answer (HTTP ${answer.status})`),
  });
}

function isTokenRejected(answer: RawAnswer): boolean {
  if (answer.status === 401) return true;
  const parsed = apiErrorSchema.safeParse(answer.json);
  return parsed.success && parsed.data.code === INVALID_ACCESS_TOKEN;
}

/**
 * Creates a meeting for `userPath` (`me`, or a URL-encoded email for server-to-server apps).
 * Never retried: a refused token is reported so the caller may retry once with a fresh one.
 */
export async function createMeeting(
  endpoints: ZoomEndpoints,
  accessToken: string,
  userPath: string,
  body: MeetingRequestBody,
): Promise<MeetingOutcome> {
  const answer = await send(endpoints, {
    method: 'POST',
    url: `${endpoints.apiUrl}/v2/users/${userPath}/meetings`,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
    data: JSON.stringify(body),
  });
  if (answer.status >= 200 && answer.status < 300) {
    const meeting = meetingResponseSchema.safeParse(answer.json);
    if (!meeting.success) throw unavailable(answer, 'create meeting');
    return { kind: 'created', joinUrl: meeting.data.join_url };
  }
  if (isTokenRejected(answer)) return { kind: 'token_rejected' };
  throw apiError(answer, 'create meeting');
}

/** The Zoom user and account behind a user token; null when Zoom refuses to say. */
export async function getCurrentUser(
  endpoints: ZoomEndpoints,
  accessToken: string,
): Promise<{ zoomUserId: string; zoomAccountId: string } | null> {
  const answer = await send(endpoints, {
    method: 'GET',
    url: `${endpoints.apiUrl}/v2/users/me`,
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  const user = currentUserSchema.safeParse(answer.json);
  if (answer.status !== 200 || !user.success) return null;
  return { zoomUserId: user.data.id, zoomAccountId: user.data.account_id };
}

/** Maps a non-2xx API answer other than a refused token. */
function apiError(answer: RawAnswer, what: string): CallgateError {
  if (answer.status === 429) return rateLimited(answer.headers['retry-after']);
  const parsed = apiErrorSchema.safeParse(answer.json);
  if (parsed.success && parsed.data.code === USER_DOES_NOT_EXIST) {
    const cause = new Error(`${what}: Zoom error ${parsed.data.code} (HTTP ${answer.status})`);
    return new CallgateError('UNKNOWN_ZOOM_USER', ZOOM_UNKNOWN_USER, { cause });
  }
  // As Zulip: any other refusal (4xx, whatever its body) is "Failed to create Zoom call";
  // only a 5xx, or a 2xx/3xx that is not Zoom's, says the server could not be reached.
  if (answer.status >= 400 && answer.status < 500) {
    const code = parsed.success ? `Zoom error ${parsed.data.code}` : 'no Zoom error body';
    return new CallgateError('PROVIDER_ERROR', ZOOM_CALL_FAILED, {
      cause: new Error(`${what}: ${code} (HTTP ${answer.status})`),
    });
  }
  if (!parsed.success) return unavailable(answer, what);
  const cause = new Error(`${what}: Zoom error ${parsed.data.code} (HTTP ${answer.status})`);
  return new CallgateError('PROVIDER_ERROR', ZOOM_CALL_FAILED, { cause });
}

/**
 * Requests a server-to-server account token (`grant_type=account_credentials`, HTTP Basic
 * client authentication): https://developers.zoom.us/docs/internal-apps/s2s-oauth/
 */
export async function requestAccountToken(
  endpoints: ZoomEndpoints,
  credentials: { clientId: string; clientSecret: string; accountId: string },
): Promise<AccessTokenGrant> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
  const answer = await send(endpoints, {
    method: 'POST',
    url: `${endpoints.oauthUrl}/oauth/token`,
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    data: new URLSearchParams({ grant_type: 'account_credentials', account_id: credentials.accountId }).toString(),
  });
  if (answer.status === 200) {
    const token = tokenResponseSchema.safeParse(answer.json);
    if (!token.success) throw unavailable(answer, 'account token');
    return { accessToken: token.data.access_token, expiresInSeconds: token.data.expires_in };
  }
  if (answer.status === 429) throw rateLimited(answer.headers['retry-after']);
  if (answer.status >= 400 && answer.status < 500) {
    throw new CallgateError('PROVIDER_AUTH_FAILED', ZOOM_INVALID_CREDENTIALS, {
      cause: new Error(`account token refused (HTTP ${answer.status})`),
    });
  }
  if (answer.json === undefined) throw unavailable(answer, 'account token');
  throw new CallgateError('PROVIDER_ERROR', ZOOM_CALL_FAILED, {
    cause: new Error(`account token: HTTP ${answer.status}`),
  });
}
