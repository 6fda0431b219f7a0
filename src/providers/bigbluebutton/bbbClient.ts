/**
 * The one BigBlueButton API client (https://docs.bigbluebutton.org/development/api/):
 * signed `GET {url}api/<call>?<query>&checksum=<hex>`, a deadline on every request, redirects
 * not followed (a 3xx is an error: following one would resend the checksum elsewhere), XML
 * answers parsed with xml2js and checked with zod. Failures come back as values so that the
 * connection test can tell them apart; `bbbFailureToError` gives the SPEC §2 error for each.
 */
import { upstreamRequest, UpstreamError, type UpstreamAnswer } from '../../http/upstream.js';
import { parseStringPromise } from 'xml2js';
import type { BbbChecksumAlgorithm } from './settings.js';
import { CallgateError } from '../../errors.js';
import { signBbbQuery } from './checksum.js';
import { createResponseSchema, responseEnvelopeSchema, type BbbResponse, type CreatedMeeting } from './schemas.js';

/** Settings of a client; `url` is normalised and ends with `/` (see normalizeBigBlueButtonUrl). */
export interface BbbClientOptions {
  url: string;
  secret: string;
  algorithm: BbbChecksumAlgorithm;
  timeoutMs: number;
}

/** Parameters of one API call, in the order they are sent. */
export type BbbParams = ReadonlyArray<readonly [string, string]>;

/** Why a call did not succeed. */
export type BbbFailure =
  /** No answer within the deadline. */
  | { kind: 'timeout'; detail: string; cause?: unknown }
  /** The connection failed (refused, reset, DNS, TLS). */
  | { kind: 'unreachable'; detail: string; cause?: unknown }
  /** The address (chosen by an organization) leads somewhere callgate may not go (SPEC §9). */
  | { kind: 'address_not_allowed'; detail: string; cause?: unknown }
  /** An answer with a status other than 2xx (3xx included). */
  | { kind: 'http_status'; status: number; detail: string }
  /** A 2xx answer that is not BBB's XML, or lacks a field callgate needs. */
  | { kind: 'garbled'; detail: string; cause?: unknown }
  /** BBB refused the checksum: wrong secret, or an algorithm it does not accept. */
  | { kind: 'checksum_error'; detail: string }
  /** BBB answered FAILED for another reason. */
  | { kind: 'failed'; messageKey: string; detail: string };

/** The outcome of one call. */
export type BbbResult = { ok: true; response: BbbResponse } | { ok: false; failure: BbbFailure };

/** Per-call options. */
export interface BbbCallOptions {
  /** Sign with this algorithm instead of the configured one (the connection test's sha1 probe). */
  algorithm?: BbbChecksumAlgorithm;
}

/** A client bound to one server and secret. */
export interface BbbClient {
  /** The full signed URL of a call; for `join`, which the browser opens, not callgate. */
  signedUrl(call: string, params: BbbParams, options?: BbbCallOptions): string;
  /** Sends a call and parses the answer. */
  request(call: string, params: BbbParams, options?: BbbCallOptions): Promise<BbbResult>;
  /** `create`: returns the meeting's id and createTime, or throws the SPEC §2 error. */
  createMeeting(params: BbbParams): Promise<CreatedMeeting>;
}

/** How many characters of an unexpected body an error message quotes (as Zulip does). */
export const BODY_EXCERPT_LENGTH = 200;
/** Answers larger than this are not BBB API answers. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const CONNECTING = 'Error connecting to the BigBlueButton server';

/** Creates a client. */
export function createBbbClient(options: BbbClientOptions): BbbClient {
  const signedUrl = (call: string, params: BbbParams, callOptions: BbbCallOptions = {}): string => {
    const query = signBbbQuery({
      algorithm: callOptions.algorithm ?? options.algorithm,
      call,
      params,
      secret: options.secret,
    });
    return `${options.url}api/${call}?${query}`;
  };

  const request = async (call: string, params: BbbParams, callOptions: BbbCallOptions = {}): Promise<BbbResult> => {
    let answer: UpstreamAnswer;
    try {
      answer = await upstreamRequest({
        method: 'GET',
        url: signedUrl(call, params, callOptions),
        headers: { Accept: 'application/xml, text/xml' },
        timeoutMs: options.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      const { failure } = error;
      return { ok: false, failure: { ...failure, kind: failure.kind === 'too_large' ? 'garbled' : failure.kind } };
    }
    const { status, body } = answer;
    if (status < 200 || status >= 300) {
      const excerpt = body.slice(0, BODY_EXCERPT_LENGTH);
      return {
        ok: false,
        failure: { kind: 'http_status', status, detail: excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}` },
      };
    }
    let parsed: unknown;
    try {
      parsed = await parseStringPromise(body, { explicitArray: false, trim: true, explicitRoot: true });
    } catch (cause) {
      return { ok: false, failure: { kind: 'garbled', detail: 'the answer is not XML', cause } };
    }
    const envelope = responseEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      return {
        ok: false,
        failure: { kind: 'garbled', detail: 'the answer is not a BigBlueButton API response', cause: envelope.error },
      };
    }
    const response = envelope.data.response;
    if (response.returncode === 'FAILED') {
      const messageKey = response.messageKey ?? '';
      const detail = response.message ?? messageKey;
      // https://docs.bigbluebutton.org/development/api/#api-security-model: a checksum that
      // does not match (wrong secret or an algorithm not in supportedChecksumAlgorithms) is
      // always answered FAILED with messageKey checksumError.
      if (messageKey === 'checksumError') return { ok: false, failure: { kind: 'checksum_error', detail } };
      return { ok: false, failure: { kind: 'failed', messageKey, detail } };
    }
    return { ok: true, response };
  };

  return {
    signedUrl,
    request,
    async createMeeting(params) {
      const result = await request('create', params);
      if (!result.ok) throw bbbFailureToError(result.failure);
      const meeting = createResponseSchema.safeParse(result.response);
      if (!meeting.success) {
        const field = meeting.error.issues[0]?.path.join('.') ?? 'createTime';
        throw bbbFailureToError({ kind: 'garbled', detail: `the create answer lacks a valid ${field}` });
      }
      return { meetingId: meeting.data.meetingID, createTime: meeting.data.createTime };
    },
  };
}

/** The SPEC §2 error of a failure, in Zulip's wording. */
export function bbbFailureToError(failure: BbbFailure): CallgateError {
  switch (failure.kind) {
    case 'timeout':
      return new CallgateError('PROVIDER_TIMEOUT', `${CONNECTING}: ${failure.detail}`, { cause: failure.cause });
    case 'unreachable':
    case 'address_not_allowed':
    case 'garbled':
      return new CallgateError('PROVIDER_UNAVAILABLE', `${CONNECTING}: ${failure.detail}`, { cause: failure.cause });
    case 'http_status':
      return new CallgateError('PROVIDER_UNAVAILABLE', `${CONNECTING}: ${failure.detail}`);
    case 'checksum_error':
      return new CallgateError('PROVIDER_AUTH_FAILED', 'Error authenticating to the BigBlueButton server', {
        cause: new Error(`BigBlueButton checksumError: ${failure.detail}`),
      });
    case 'failed':
      return new CallgateError('PROVIDER_ERROR', 'BigBlueButton server returned an unexpected error: FAILED', {
        cause: new Error(`BigBlueButton FAILED ${failure.messageKey}: ${failure.detail}`),
      });
  }
}
