/**
 * Webex's REST API through the one upstream client (`http/upstream.ts`): every request has
 * the deadline, follows no redirect, and is never retried here. Webex counts failed
 * meeting creations against its 100-a-day limit per user
 * (https://developer.webex.com/docs/api/guides/rate-limits), so a retry is the caller's
 * decision, taken only when Webex refused the token before doing anything.
 * Failures come back as values: mapped once to API errors and once to check reasons.
 */
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import { CallgateError } from '../../errors.js';
import {
  apiErrorSchema,
  meetingResponseSchema,
  roomResponseSchema,
  type MeetingRequestBody,
  type RoomRequestBody,
} from './schemas.js';

/** Zulip's text when Webex refuses to create a meeting. */
export const WEBEX_CALL_FAILED = 'Failed to create Webex call';
/** Zulip's text when Webex refuses callgate's client credentials. */
export const WEBEX_INVALID_CREDENTIALS = 'Invalid Webex credentials';
/** Retry-After used when Webex rate-limits without saying for how long. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;
/** How many characters of an unexpected body an error message quotes (as Zulip does). */
export const BODY_EXCERPT_LENGTH = 200;

const CONNECTING = 'Error connecting to the Webex server';
/** Webex's answers here are small JSON documents; anything larger is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;

/** Why a request did not give what was asked for. */
export type WebexFailure =
  /** No answer within the deadline. */
  | { kind: 'timeout'; detail: string; cause?: unknown }
  /** The connection failed (refused, reset, DNS, TLS). */
  | { kind: 'unreachable'; detail: string; cause?: unknown }
  /** 401: the access token is expired or revoked; Webex did nothing. */
  | { kind: 'token_rejected' }
  /** 429, with the seconds Webex asked us to wait. */
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  /** A well-formed Webex error answer with a 4xx status (403 included). */
  | { kind: 'refused'; status: number; message: string; trackingId: string | null }
  /** Any other status (3xx, 5xx, a 4xx not in Webex's format), a 2xx that is not the expected JSON, or (status null) an answer too large to read. */
  | { kind: 'unexpected'; status: number | null; excerpt: string; detail: string };

/** The outcome of one request. */
export type WebexResult<T> = { ok: true; value: T } | { ok: false; failure: WebexFailure };

/** Where Webex is and how long to wait for it. */
export interface WebexEndpoints {
  /** Base URL ending in `/`. */
  apiUrl: string;
  timeoutMs: number;
}

/** The seconds a `Retry-After` header asks for (seconds or an HTTP date), or the default. */
export function retryAfterSeconds(value: unknown, nowMs: number = Date.now()): number {
  if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d{1,9}$/.test(text)) return Math.max(1, Number(text));
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - nowMs) / 1000));
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

/** Classifies an answer that is not a 2xx. */
export function classifyErrorAnswer(answer: Pick<UpstreamAnswer, 'status' | 'body' | 'headers'>): WebexFailure {
  const { status, body } = answer;
  if (status === 401) return { kind: 'token_rejected' };
  if (status === 429)
    return { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds(answer.headers['retry-after']) };
  if (status >= 400 && status < 500) {
    const parsed = apiErrorSchema.safeParse(parseJson(body));
    if (parsed.success) {
      return { kind: 'refused', status, message: parsed.data.message, trackingId: parsed.data.trackingId ?? null };
    }
  }
  return unexpected(status, body, `HTTP ${status}`);
}

function unexpected(status: number, body: string, detail: string): WebexFailure {
  return { kind: 'unexpected', status, excerpt: body.slice(0, BODY_EXCERPT_LENGTH), detail };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The SPEC §2 error of a failure, in Zulip's wording. */
export function webexFailureToError(failure: WebexFailure): CallgateError {
  switch (failure.kind) {
    case 'timeout':
      return new CallgateError('PROVIDER_TIMEOUT', `${CONNECTING}: ${failure.detail}`, { cause: failure.cause });
    case 'unreachable':
      return new CallgateError('PROVIDER_UNAVAILABLE', `${CONNECTING}: ${failure.detail}`, { cause: failure.cause });
    case 'unexpected': {
      const excerpt = failure.excerpt ? `: ${failure.excerpt}` : '';
      const what = failure.status === null ? failure.detail : `HTTP ${failure.status}${excerpt}`;
      return new CallgateError('PROVIDER_UNAVAILABLE', `${CONNECTING}: ${what}`, {
        cause: new Error(`Webex: ${failure.detail}`),
      });
    }
    case 'rate_limited':
      return new CallgateError('RATE_LIMITED', 'Webex is rate-limiting requests; try again later', {
        headers: { 'Retry-After': String(failure.retryAfterSeconds) },
        fields: { retry_after: failure.retryAfterSeconds },
      });
    case 'refused': {
      const tracking = failure.trackingId ? ` (trackingId ${failure.trackingId})` : '';
      return new CallgateError('PROVIDER_ERROR', WEBEX_CALL_FAILED, {
        cause: new Error(`Webex refused (HTTP ${failure.status}): ${failure.message}${tracking}`),
      });
    }
    case 'token_rejected':
      // The provider turns this into "authorize again" after one refresh; reaching here is a bug.
      return new CallgateError('PROVIDER_AUTH_FAILED', WEBEX_INVALID_CREDENTIALS, {
        cause: new Error('Webex refused the access token'),
      });
  }
}

/** Sends one request; transport failures come back as values. */
export async function send(
  endpoints: WebexEndpoints,
  request: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; data?: string },
): Promise<{ ok: true; answer: UpstreamAnswer } | { ok: false; failure: WebexFailure }> {
  try {
    const answer = await upstreamRequest({
      method: request.method,
      url: `${endpoints.apiUrl}${request.path}`,
      headers: request.headers,
      ...(request.data === undefined ? {} : { data: request.data }),
      timeoutMs: endpoints.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
    return { ok: true, answer };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const { failure } = error;
    if (failure.kind === 'too_large') {
      return { ok: false, failure: { kind: 'unexpected', status: null, excerpt: '', detail: failure.detail } };
    }
    // The API URL is the operator's (trusted, no address policy), so a refused address cannot
    // happen here; were it ever to, it is a connection that could not be made.
    const kind = failure.kind === 'timeout' ? 'timeout' : 'unreachable';
    return { ok: false, failure: { kind, detail: failure.detail, cause: failure.cause } };
  }
}

/** POSTs a JSON body with the user's token and parses a 2xx answer with `schema`. */
async function postJson<T>(
  endpoints: WebexEndpoints,
  accessToken: string,
  path: string,
  body: unknown,
  parse: (json: unknown) => T | null,
): Promise<WebexResult<T>> {
  const sent = await send(endpoints, {
    method: 'POST',
    path,
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    data: JSON.stringify(body),
  });
  if (!sent.ok) return sent;
  const { answer } = sent;
  if (answer.status < 200 || answer.status >= 300) return { ok: false, failure: classifyErrorAnswer(answer) };
  const value = parse(parseJson(answer.body));
  if (value === null) {
    return { ok: false, failure: unexpected(answer.status, answer.body, `${path}: not the expected JSON`) };
  }
  return { ok: true, value };
}

/** `POST {base}rooms`: creates the public space the meeting lives in. */
export function createRoom(
  endpoints: WebexEndpoints,
  accessToken: string,
  body: RoomRequestBody,
): Promise<WebexResult<{ roomId: string }>> {
  return postJson(endpoints, accessToken, 'rooms', body, (json) => {
    const room = roomResponseSchema.safeParse(json);
    return room.success ? { roomId: room.data.id } : null;
  });
}

/** `POST {base}meetings`: creates the meeting; its `webLink` is the join URL. */
export function createMeeting(
  endpoints: WebexEndpoints,
  accessToken: string,
  body: MeetingRequestBody,
): Promise<WebexResult<{ meetingId: string; webLink: string }>> {
  return postJson(endpoints, accessToken, 'meetings', body, (json) => {
    const meeting = meetingResponseSchema.safeParse(json);
    return meeting.success ? { meetingId: meeting.data.id, webLink: meeting.data.webLink } : null;
  });
}
