/**
 * Failures of a provider reached with a server account (Nextcloud Talk, Constructor Groups),
 * as a tagged union: each client classifies its answers once into these, then the same value
 * becomes the SPEC §2 error of a call (`serviceFailureToError`) or the SPEC §6 reason of a
 * connection check (`serviceFailureToCheck`). Wording follows Zulip's pattern with the
 * provider's name ("Invalid <Provider> credentials", "Error connecting to the <Provider>
 * server: HTTP <status>: <first 200 chars>").
 */
import { CallgateError } from '../../errors.js';
import { UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import type { CheckResult } from '../types.js';
import { BODY_EXCERPT_LENGTH, retryAfterSeconds } from './providerHttp.js';

/** Why a request to a provider did not succeed. */
export type ServiceFailure =
  /** No answer within the deadline. */
  | { kind: 'timeout'; detail: string; cause?: unknown }
  /** The connection failed (refused, reset, DNS, TLS), or the answer was cut off or too large. */
  | { kind: 'unreachable'; detail: string; cause?: unknown }
  /** An organization-set address resolved to one SPEC §9 refuses. */
  | { kind: 'address_not_allowed'; detail: string; cause?: unknown }
  /** A status that says nothing in the provider's format: 3xx, 5xx, or a 4xx that is not its answer. */
  | { kind: 'http_status'; status: number; excerpt: string }
  /** A 2xx answer that is not the provider's format, or lacks what callgate needs. */
  | { kind: 'garbled'; status: number; excerpt: string; detail: string }
  /** The provider refused our credentials. */
  | { kind: 'auth_rejected'; status: number; detail: string }
  /** The provider asked us to slow down. */
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  /** A well-formed refusal in the provider's own format. */
  | { kind: 'refused'; status: number; detail: string };

/** Plain words for a provider: its display name. */
export interface ServiceNames {
  /** E.g. "Nextcloud Talk". */
  name: string;
}

/** The failure of a transport error (no HTTP answer). */
export function transportFailure(error: UpstreamError): ServiceFailure {
  const { failure } = error;
  if (failure.kind === 'timeout') return { kind: 'timeout', detail: failure.detail, cause: error };
  if (failure.kind === 'address_not_allowed')
    return { kind: 'address_not_allowed', detail: failure.detail, cause: error };
  return { kind: 'unreachable', detail: failure.detail, cause: error };
}

/**
 * The first BODY_EXCERPT_LENGTH characters of a body, with every credential callgate sent
 * replaced: a server that echoes the request (a debugging proxy, a hostile org-set URL)
 * must not make an error message carry a secret.
 */
export function bodyExcerpt(body: string, sentSecrets: readonly string[]): string {
  let text = body;
  for (const secret of sentSecrets) {
    if (secret.length > 0) text = text.split(secret).join('[redacted]');
  }
  return text.slice(0, BODY_EXCERPT_LENGTH);
}

/** The failure of a non-2xx answer that carries no provider-specific meaning. */
export function statusFailure(answer: UpstreamAnswer, sentSecrets: readonly string[]): ServiceFailure {
  if (answer.status === 429) {
    return { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds(answer.headers['retry-after']) };
  }
  return { kind: 'http_status', status: answer.status, excerpt: bodyExcerpt(answer.body, sentSecrets) };
}

/** The SPEC §2 error of a failure when creating a call. */
export function serviceFailureToError(names: ServiceNames, failure: ServiceFailure): CallgateError {
  const connecting = `Error connecting to the ${names.name} server`;
  switch (failure.kind) {
    case 'timeout':
      return new CallgateError('PROVIDER_TIMEOUT', `${connecting}: ${failure.detail}`, { cause: failure.cause });
    case 'unreachable':
    case 'address_not_allowed':
      return new CallgateError('PROVIDER_UNAVAILABLE', `${connecting}: ${failure.detail}`, { cause: failure.cause });
    case 'http_status':
    case 'garbled':
      return new CallgateError('PROVIDER_UNAVAILABLE', `${connecting}: ${httpText(failure.status, failure.excerpt)}`, {
        cause: new Error(
          `${names.name}: ${failure.kind === 'garbled' ? failure.detail : 'unexpected status'} (HTTP ${failure.status})`,
        ),
      });
    case 'auth_rejected':
      return new CallgateError('PROVIDER_AUTH_FAILED', `Invalid ${names.name} credentials`, {
        cause: new Error(`${names.name} refused the credentials (HTTP ${failure.status}): ${failure.detail}`),
      });
    case 'rate_limited':
      return new CallgateError('RATE_LIMITED', `${names.name} is rate-limiting requests; try again later`, {
        headers: { 'Retry-After': String(failure.retryAfterSeconds) },
        fields: { retry_after: failure.retryAfterSeconds },
      });
    case 'refused':
      return new CallgateError('PROVIDER_ERROR', `Failed to create ${names.name} call`, {
        cause: new Error(`${names.name} refused (HTTP ${failure.status}): ${failure.detail}`),
      });
  }
}

/**
 * The SPEC §6 result of a failed connection check. The detail is in our own words and never
 * echoes what the provider answered (no bodies, headers or redirect targets).
 */
export function serviceFailureToCheck(names: ServiceNames, failure: ServiceFailure): CheckResult {
  const failed = (reason: string, detail: string): CheckResult => ({ status: 'failed', reason, detail });
  switch (failure.kind) {
    case 'timeout':
      return failed('timeout', `The ${names.name} server did not answer in time (${failure.detail}).`);
    case 'unreachable':
      return failed('unreachable', `Could not reach the ${names.name} server: ${failure.detail}.`);
    case 'address_not_allowed':
      return failed(
        'address_not_allowed',
        `The ${names.name} address leads to an internal address; an operator may allow it in ALLOWED_PRIVATE_UPSTREAM_HOSTS.`,
      );
    case 'http_status':
      if (failure.status >= 300 && failure.status < 400) {
        return failed(
          'unexpected_answer',
          `The ${names.name} server answered with a redirect (HTTP ${failure.status}), which callgate does not follow; configure the final address.`,
        );
      }
      if (failure.status >= 500) {
        return failed('unreachable', `The ${names.name} server answered HTTP ${failure.status} (a server error).`);
      }
      return failed('unexpected_answer', `The server answered HTTP ${failure.status}, not as ${names.name} does.`);
    case 'garbled':
      return failed('unexpected_answer', `The server answered, but not as ${names.name} does: ${failure.detail}.`);
    case 'auth_rejected':
      return failed('invalid_credentials', `The ${names.name} server refused the configured credentials.`);
    case 'rate_limited':
      return failed(
        'rate_limited',
        `The ${names.name} server is rate-limiting requests; try again in ${failure.retryAfterSeconds} seconds.`,
      );
    case 'refused':
      return failed('unexpected_answer', `The ${names.name} server refused the request (HTTP ${failure.status}).`);
  }
}

function httpText(status: number, excerpt: string): string {
  return excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
}

/** Parses a body as JSON; undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether an error is a transport failure of the upstream module. */
export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
