/**
 * What the JSON-over-HTTP providers (Google Meet, Microsoft Teams) share on top of the one
 * upstream transport (`http/upstream.ts`): a JSON request that never retries, and the SPEC §2
 * wording of every failure with the provider's display name in it. Nothing here knows one
 * provider's formats; each provider maps its own refusals and uses these for the rest.
 */
import { CallgateError } from '../../errors.js';
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';

/** How many characters of an unexpected answer an error message quotes (SPEC §2, as Zulip does). */
export const BODY_EXCERPT_LENGTH = 200;
/** Retry-After passed on when a provider rate-limits without saying for how long (SPEC §2). */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;
/** The providers' answers are small JSON documents; anything larger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** An answer with its body parsed as JSON when it is JSON. */
export interface JsonAnswer {
  status: number;
  headers: UpstreamAnswer['headers'];
  /** The raw body, for the excerpt of an unexpected answer. */
  body: string;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
}

/** One JSON request to a provider. */
export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  data?: string;
  timeoutMs: number;
}

/** Sends one request (never retried); a transport failure becomes the provider's SPEC §2 error. */
export async function sendJson(displayName: string, request: JsonRequest): Promise<JsonAnswer> {
  let answer: UpstreamAnswer;
  try {
    answer = await upstreamRequest({ ...request, maxBytes: MAX_ANSWER_BYTES });
  } catch (error) {
    throw transportError(displayName, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  return { status: answer.status, headers: answer.headers, body: answer.body, json };
}

/** PROVIDER_TIMEOUT or PROVIDER_UNAVAILABLE for a request that got no answer; the cause is kept. */
export function transportError(displayName: string, error: unknown): CallgateError {
  const connecting = `Error connecting to the ${displayName} server`;
  if (error instanceof UpstreamError) {
    const code = error.failure.kind === 'timeout' ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNAVAILABLE';
    return new CallgateError(code, `${connecting}: ${error.failure.detail}`, { cause: error });
  }
  return new CallgateError('PROVIDER_UNAVAILABLE', connecting, { cause: error });
}

/**
 * PROVIDER_UNAVAILABLE for an answer that is not the provider's format (a 5xx, an HTML page,
 * garbled JSON): "Error connecting to the <Provider> server: HTTP <status>: <first 200 chars>".
 */
export function unexpectedAnswer(displayName: string, answer: { status: number; body: string }): CallgateError {
  const excerpt = answer.body.replace(/\s+/g, ' ').trim().slice(0, BODY_EXCERPT_LENGTH);
  const detail = excerpt ? `HTTP ${answer.status}: ${excerpt}` : `HTTP ${answer.status}`;
  return new CallgateError('PROVIDER_UNAVAILABLE', `Error connecting to the ${displayName} server: ${detail}`);
}

/** RATE_LIMITED passing on the provider's Retry-After (seconds or an HTTP date), 60 when it sent none. */
export function rateLimited(displayName: string, retryAfter: unknown, cause?: unknown): CallgateError {
  const seconds = retryAfterSeconds(retryAfter);
  return new CallgateError('RATE_LIMITED', `${displayName} is rate-limiting requests; try again later`, {
    cause,
    headers: { 'Retry-After': String(seconds) },
    fields: { retry_after: seconds },
  });
}

/** Seconds to wait from a Retry-After value; the default when absent or unreadable. */
export function retryAfterSeconds(value: unknown, now: number = Date.now()): number {
  if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d+$/.test(text)) return Math.max(1, Number(text));
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - now) / 1000));
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

/**
 * Joins a relative path to a configured base URL, keeping the base's path (SPEC §4a: a base
 * gets a trailing slash where missing before relative paths are joined).
 */
export function joinUrl(base: string, relative: string): string {
  const withSlash = base.endsWith('/') ? base : `${base}/`;
  return new URL(relative.replace(/^\/+/, ''), withSlash).toString();
}
