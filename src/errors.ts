/**
 * The one error class of callgate and its code catalogue (SPEC §2).
 *
 * Everything that can go wrong in a request ends as a CallgateError; the error
 * middleware in `http/errorMiddleware.ts` is the only place that turns one into a response.
 */

/** HTTP status of every stable error code. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CALLS_DISABLED: 403,
  PROVIDER_AUTHORIZATION_REQUIRED: 403,
  UNKNOWN_ZOOM_USER: 400,
  INVALID_SIGNATURE: 400,
  INVALID_STATE: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PROVIDER_ERROR: 502,
  PROVIDER_AUTH_FAILED: 502,
  PROVIDER_UNAVAILABLE: 502,
  PROVIDER_TIMEOUT: 504,
  PROVIDER_NOT_CONFIGURED: 503,
} as const;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The text every INTERNAL answer carries; the real reason goes to the log only. */
export const INTERNAL_MESSAGE = 'Internal server error';

/** Options of a CallgateError; all named, none positional. */
export interface CallgateErrorOptions {
  /** The error that led here; kept for the log, never sent. */
  cause?: unknown;
  /** Extra JSON fields of the error body, e.g. `authorize_url`. */
  fields?: Record<string, unknown>;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/** An error with a stable code, its HTTP status, and a message safe to show to a user. */
export class CallgateError extends Error {
  /** The stable code clients switch on. */
  readonly code: ErrorCode;
  /** Extra JSON fields of the error body. */
  readonly fields: Record<string, unknown>;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: CallgateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CallgateError';
    this.code = code;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** Whether the message may be shown; INTERNAL errors always answer a generic text. */
  get expose(): boolean {
    return this.code !== 'INTERNAL';
  }
}

/** Shorthand for a 400 naming the offending field. */
export function badRequest(field: string, problem: string): CallgateError {
  return new CallgateError('BAD_REQUEST', `${field}: ${problem}`, { fields: { field } });
}

/** Whether a value is a CallgateError (also across module copies in tests). */
export function isCallgateError(value: unknown): value is CallgateError {
  return value instanceof CallgateError;
}
