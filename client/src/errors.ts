/**
 * Typed errors of the client: one class per error code of callgate's API (SPEC §2), plus
 * the failures that only happen in a browser (no answer, popup blocked or closed, refusal,
 * cancellation). Every message is a sentence a person can read.
 */

/** Every error code callgate answers with (SPEC §2). */
export const API_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CALLS_DISABLED',
  'PROVIDER_AUTHORIZATION_REQUIRED',
  'UNKNOWN_ZOOM_USER',
  'INVALID_SIGNATURE',
  'INVALID_STATE',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  'PROVIDER_ERROR',
  'PROVIDER_AUTH_FAILED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_NOT_CONFIGURED',
] as const;

/** An error code of callgate's API. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Codes of failures that happen in the browser, not in callgate. */
export type ClientErrorCode =
  | 'NETWORK'
  | 'UNEXPECTED_RESPONSE'
  | 'POPUP_BLOCKED'
  | 'AUTHORIZATION_POPUP_CLOSED'
  | 'AUTHORIZATION_DENIED'
  | 'NOT_SIGNED_IN';

/** The base of every error the client throws. */
export class CallgateError extends Error {
  /** A stable code to switch on: an API code (SPEC §2) or a client code. */
  readonly code: ApiErrorCode | ClientErrorCode;
  /** HTTP status of the answer; 0 when there was none. */
  readonly status: number;
  /** The error answer as received (`{result, msg, code, ...}`), or `{}`. */
  readonly body: Record<string, unknown>;

  constructor(code: ApiErrorCode | ClientErrorCode, message: string, options: ErrorDetails = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 0;
    this.body = options.body ?? {};
  }
}

/** Where an error came from. */
export interface ErrorDetails {
  status?: number;
  body?: Record<string, unknown>;
  cause?: unknown;
}

/** An error answer of callgate's API; `message` is callgate's `msg`, or a default sentence. */
export class ApiError extends CallgateError {
  declare readonly code: ApiErrorCode;
}

/** 400: a field of the request is invalid; `field` names it when callgate did. */
export class BadRequestError extends ApiError {
  /** The invalid field, e.g. `meeting_name`. */
  get field(): string | null {
    return typeof this.body['field'] === 'string' ? this.body['field'] : null;
  }
}
/** 401: the identity token is missing, expired or invalid: the frontend should get a new one. */
export class UnauthorizedError extends ApiError {}
/** 403: signed in, but not allowed. */
export class ForbiddenError extends ApiError {}
/** 403: the organization turned calls off. */
export class CallsDisabledError extends ApiError {}
/** 403: the user must authorize the provider first (the client opens the popup itself). */
export class AuthorizationRequiredError extends ApiError {
  /** `{PUBLIC_URL}/calls/<path>/register`. */
  get authorizeUrl(): string {
    return typeof this.body['authorize_url'] === 'string' ? this.body['authorize_url'] : '';
  }
  /** The provider id, e.g. `zoom`; empty when callgate did not name it. */
  get provider(): string {
    return typeof this.body['provider'] === 'string' ? this.body['provider'] : '';
  }
}
/** 400: Zoom does not know the user's email address in the organization's Zoom account. */
export class UnknownZoomUserError extends ApiError {}
/** 400: a signed link was altered. */
export class InvalidSignatureError extends ApiError {}
/** 400: an OAuth state was unknown, used, expired or someone else's. */
export class InvalidStateError extends ApiError {}
/** 404: no such route or object. */
export class NotFoundError extends ApiError {}
/** 413: the request body is too large. */
export class PayloadTooLargeError extends ApiError {}
/** 429: too many requests; `retryAfter` says how many seconds to wait. */
export class RateLimitedError extends ApiError {
  /** Seconds to wait, from `Retry-After`; null when absent. */
  readonly retryAfter: number | null;
  constructor(code: ApiErrorCode, message: string, details: ErrorDetails & { retryAfter?: number | null } = {}) {
    super(code, message, details);
    this.retryAfter = details.retryAfter ?? null;
  }
}
/** 500: callgate failed; the details are in its log. */
export class InternalError extends ApiError {}
/** 502: the provider refused the request. */
export class ProviderError extends ApiError {}
/** 502: the provider rejected callgate's credentials. */
export class ProviderAuthFailedError extends ApiError {}
/** 502: the provider could not be reached or answered nonsense. */
export class ProviderUnavailableError extends ApiError {}
/** 504: the provider did not answer in time. */
export class ProviderTimeoutError extends ApiError {}
/** 503: the provider lacks settings on this server or for this organization. */
export class ProviderNotConfiguredError extends ApiError {}

/** callgate could not be reached (offline, DNS, CORS refusal). */
export class NetworkError extends CallgateError {}
/** callgate answered something that is not its JSON format (e.g. a proxy's error page). */
export class UnexpectedResponseError extends CallgateError {}
/** `getToken` gave no token: the user is not signed in to the chat. */
export class NotSignedInError extends CallgateError {}

/** The authorization popup was blocked; `authorizeUrl` is a link to open by hand. */
export class PopupBlockedError extends CallgateError {
  constructor(
    readonly provider: string,
    readonly providerName: string,
    /** Opens the authorization by hand; carries a one-time ticket valid for `expiresIn` s. */
    readonly authorizeUrl: string,
  ) {
    super(
      'POPUP_BLOCKED',
      `Your browser blocked the window to connect ${providerName}. Allow pop-ups for this page, or open the link to connect, then start the call again.`,
    );
  }
}
/** The user closed the authorization popup before authorizing. */
export class AuthorizationPopupClosedError extends CallgateError {
  constructor(
    readonly provider: string,
    providerName: string,
  ) {
    super(
      'AUTHORIZATION_POPUP_CLOSED',
      `The window to connect ${providerName} was closed before ${providerName} was connected, so no call was started.`,
    );
  }
}
/** The provider reported a refusal (e.g. "Deny") and the user closed the popup. */
export class AuthorizationDeniedError extends CallgateError {
  constructor(
    readonly provider: string,
    providerName: string,
  ) {
    super('AUTHORIZATION_DENIED', `${providerName} was not connected, so no call was started.`);
  }
}

type ApiErrorClass = new (code: ApiErrorCode, message: string, details?: ErrorDetails) => ApiError;

const CLASSES: Record<ApiErrorCode, { type: ApiErrorClass; text: string }> = {
  BAD_REQUEST: { type: BadRequestError, text: 'The request was not valid.' },
  UNAUTHORIZED: { type: UnauthorizedError, text: 'Your session has expired. Sign in again.' },
  FORBIDDEN: { type: ForbiddenError, text: 'You are not allowed to do this.' },
  CALLS_DISABLED: { type: CallsDisabledError, text: 'Calls are turned off for your organization.' },
  PROVIDER_AUTHORIZATION_REQUIRED: {
    type: AuthorizationRequiredError,
    text: 'Connect your video call account first.',
  },
  UNKNOWN_ZOOM_USER: {
    type: UnknownZoomUserError,
    text: "Your email address is not in your organization's Zoom account. Ask your administrator.",
  },
  INVALID_SIGNATURE: { type: InvalidSignatureError, text: 'This link was altered and is no longer valid.' },
  INVALID_STATE: { type: InvalidStateError, text: 'The authorization expired or was already used. Start again.' },
  NOT_FOUND: { type: NotFoundError, text: 'Not found.' },
  PAYLOAD_TOO_LARGE: { type: PayloadTooLargeError, text: 'The request was too large.' },
  RATE_LIMITED: { type: RateLimitedError, text: 'Too many calls were started. Wait a moment and try again.' },
  INTERNAL: { type: InternalError, text: 'Something went wrong in callgate. Try again later.' },
  PROVIDER_ERROR: { type: ProviderError, text: 'The video call provider refused to create the call.' },
  PROVIDER_AUTH_FAILED: {
    type: ProviderAuthFailedError,
    text: "The video call provider rejected this server's credentials. Tell your administrator.",
  },
  PROVIDER_UNAVAILABLE: {
    type: ProviderUnavailableError,
    text: 'The video call provider could not be reached. Try again later.',
  },
  PROVIDER_TIMEOUT: { type: ProviderTimeoutError, text: 'The video call provider did not answer in time.' },
  PROVIDER_NOT_CONFIGURED: {
    type: ProviderNotConfiguredError,
    text: 'Video calls are not set up yet. Tell your administrator.',
  },
};

/** Whether `value` is one of callgate's API error codes. */
export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value);
}

/** The typed error of an error answer: the class of its code, callgate's `msg` as message. */
export function errorFromAnswer(
  status: number,
  body: Record<string, unknown>,
  retryAfter: string | null,
): CallgateError {
  const code = body['code'];
  if (!isApiErrorCode(code)) {
    return new UnexpectedResponseError(
      'UNEXPECTED_RESPONSE',
      `callgate answered HTTP ${status} without an error code.`,
      {
        status,
        body,
      },
    );
  }
  const known = CLASSES[code];
  const msg = typeof body['msg'] === 'string' && body['msg'].trim() !== '' ? body['msg'] : known.text;
  if (code === 'RATE_LIMITED') {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
    return new RateLimitedError(code, msg, { status, body, retryAfter: seconds });
  }
  return new known.type(code, msg, { status, body });
}

/** The default sentence of an API error code, for pages that show their own text. */
export function defaultMessage(code: ApiErrorCode): string {
  return CLASSES[code].text;
}
