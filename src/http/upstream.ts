/**
 * The one way callgate talks to a provider over HTTP (Zoom's API, BigBlueButton, a Jitsi
 * server): every request has a deadline, redirects are never followed (a provider that
 * redirects is misconfigured or not what it claims to be), any status comes back to the
 * caller, the body is read as text (each provider parses its own format) and capped.
 * Transport failures come back as an UpstreamError naming what happened in plain words;
 * its cause carries no request config, so no Authorization header can reach a log.
 * A request to an address an organization chose carries an AddressPolicy: its sockets then
 * resolve through the policy and open only to allowed addresses (SPEC §9).
 */
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import axios, { type AxiosResponse } from 'axios';
import { ADDRESS_NOT_ALLOWED, AddressNotAllowedError, type AddressPolicy } from './addressPolicy.js';

/** Why a request got no usable answer. */
export type TransportFailure =
  | { kind: 'timeout'; detail: string; cause: Error }
  | { kind: 'unreachable'; detail: string; cause: Error }
  | { kind: 'too_large'; detail: string; cause: Error }
  | { kind: 'address_not_allowed'; detail: string; cause: Error };

/** A request that got no usable answer. */
export class UpstreamError extends Error {
  constructor(readonly failure: TransportFailure) {
    super(failure.detail, { cause: failure.cause });
    this.name = 'UpstreamError';
  }
}

/** An answer, whatever its status, with its body as text. */
export interface UpstreamAnswer {
  status: number;
  headers: AxiosResponse['headers'];
  body: string;
}

/** One request to a provider. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  data?: string;
  timeoutMs: number;
  /** Answers larger than this are refused as `too_large`. */
  maxBytes: number;
  /**
   * Set when an organization chose the address (SPEC §9): connections then go only where
   * the policy allows, checked on the resolved addresses; no proxy is used, since the
   * policy must see the real destination. Operator-configured addresses are trusted.
   */
  addressPolicy?: AddressPolicy;
}

/** Plain words for the network errors an admin can act on. */
const TRANSPORT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate is for another host',
};

/** Sends one request; throws UpstreamError when no answer arrives. */
export async function upstreamRequest(request: UpstreamRequest): Promise<UpstreamAnswer> {
  try {
    const response = await axios.request<string>({
      method: request.method,
      url: request.url,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.data !== undefined ? { data: request.data } : {}),
      timeout: request.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      // Parse in the caller, so a garbled answer is told apart from a well-formed one.
      transformResponse: (body: unknown) => body,
      maxContentLength: request.maxBytes,
      ...(request.addressPolicy ? { ...guardedAgents(request.addressPolicy), proxy: false as const } : {}),
    });
    const body = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    throw new UpstreamError(transportFailure(error, request.timeoutMs));
  }
}

function transportFailure(error: unknown, timeoutMs: number): TransportFailure {
  const rawCode = axios.isAxiosError(error) || error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const cause = Object.assign(new Error(message), { code });
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return { kind: 'timeout', detail: `no answer within ${timeoutMs} ms`, cause };
  }
  if (code === ADDRESS_NOT_ALLOWED) {
    return { kind: 'address_not_allowed', detail: 'the address is not allowed', cause };
  }
  if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(message)) {
    return { kind: 'too_large', detail: 'the answer is too large', cause };
  }
  if (code === 'ERR_BAD_RESPONSE' && /aborted/.test(message)) {
    // The server promised a body and dropped the connection part-way through it.
    return { kind: 'unreachable', detail: 'the answer was cut off', cause };
  }
  return { kind: 'unreachable', detail: (code && TRANSPORT_REASONS[code]) ?? code ?? 'connection failed', cause };
}

/** The agents of one policy, made once: a socket may open only where the policy allows. */
const agents = new WeakMap<AddressPolicy, { httpAgent: HttpAgent; httpsAgent: HttpsAgent }>();

function guardedAgents(policy: AddressPolicy): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  let pair = agents.get(policy);
  if (!pair) {
    pair = { httpAgent: new GuardedHttpAgent(policy), httpsAgent: new GuardedHttpsAgent(policy) };
    agents.set(policy, pair);
  }
  return pair;
}

/**
 * The connection options with the policy's lookup. Node resolves names through `lookup`
 * but connects to an IP literal directly, so literals are judged here.
 */
function guarded<T extends ClientRequestArgs>(policy: AddressPolicy, options: T): T {
  const host = String(options.host ?? options.hostname ?? '').replace(/^\[|\]$/g, '');
  if (isIP(host) && !policy.allowsName(host) && !policy.allowsAddress(host)) throw new AddressNotAllowedError(host);
  return { ...options, lookup: policy.lookup };
}

class GuardedHttpAgent extends HttpAgent {
  constructor(private readonly policy: AddressPolicy) {
    super();
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    return super.createConnection(guarded(this.policy, options), callback);
  }
}

class GuardedHttpsAgent extends HttpsAgent {
  constructor(private readonly policy: AddressPolicy) {
    super();
  }

  override createConnection(
    options: HttpsRequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    return super.createConnection(guarded(this.policy, options), callback);
  }
}
