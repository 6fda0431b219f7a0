/**
 * Fault injection for the Webex simulator, on the shared fault queue and transport faults of
 * `src/local/simulators/faults.ts`: the next request(s) of an endpoint fail in a chosen way,
 * so tests and the bench can show how callgate behaves when Webex misbehaves. Every request
 * is counted before delays and failures.
 */
import type { Request, Response } from 'express';
import { FaultQueue, sendTransportFault, sendTruncated, sleep } from '../../../local/simulators/faults.js';

/** A failure to inject into the next request(s) of an endpoint. */
export type SimFailure =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** An HTML (or other text) answer, e.g. a proxy's 502 page. */
  | { kind: 'text'; status: number; body: string }
  /** Never answered; the client's deadline ends it. */
  | { kind: 'hang' }
  /** The connection is dropped without an answer. */
  | { kind: 'reset' }
  | { kind: 'rate_limited'; retryAfter?: string }
  /** 401 as Webex answers an expired or revoked token. */
  | { kind: 'invalid_token' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** 302 to `location`, or to the request's own URL (a loop). */
  | { kind: 'redirect'; location?: string }
  /** A JSON content-length is promised, the first bytes sent, then the connection dropped. */
  | { kind: 'truncated'; status?: number }
  /** A complete answer whose JSON is broken. */
  | { kind: 'garbled'; status?: number };

/** Queued failures per endpoint, and the counters. */
export interface SimFaults<Endpoint extends string> {
  /** Requests per endpoint, counted before delays and failures. */
  requests: Record<Endpoint, number>;
  /** Delay before answering any request; change it at any time. */
  delayMs: number;
  /** Makes the next `times` requests of an endpoint fail. */
  fail(endpoint: Endpoint, failure: SimFailure, times?: number): void;
  /** Clears injected failures. */
  clearFailures(): void;
  /** Resets the request counters. */
  resetCounters(): void;
  /** Counts, delays, and applies an injected failure; true when the request has been answered. */
  intercept(endpoint: Endpoint, req: Request, res: Response): Promise<boolean>;
}

/** Creates the fault state for a set of endpoints. */
export function createSimFaults<Endpoint extends string>(
  endpoints: readonly Endpoint[],
  delayMs = 0,
): SimFaults<Endpoint> {
  const zero = (): Record<Endpoint, number> =>
    Object.fromEntries(endpoints.map((endpoint) => [endpoint, 0])) as Record<Endpoint, number>;
  const queued = new FaultQueue<SimFailure>();
  const faults: SimFaults<Endpoint> = {
    requests: zero(),
    delayMs,
    fail(endpoint, failure, times = 1) {
      queued.add(failure, { endpoint, times });
    },
    clearFailures() {
      queued.clear();
    },
    resetCounters() {
      faults.requests = zero();
    },
    async intercept(endpoint, req, res) {
      faults.requests[endpoint] += 1;
      if (faults.delayMs > 0) await sleep(faults.delayMs);
      const failure = queued.take(endpoint);
      if (!failure) return false;
      return answerWithFailure(failure, req, res);
    },
  };
  return faults;
}

async function answerWithFailure(failure: SimFailure, req: Request, res: Response): Promise<boolean> {
  switch (failure.kind) {
    case 'delay':
      await sleep(failure.ms);
      return false;
    case 'hang':
    case 'reset':
    case 'redirect':
      sendTransportFault(req, res, failure);
      return true;
    case 'truncated':
      sendTruncated(req, res, {
        status: failure.status ?? 200,
        contentType: 'application/json',
        start: '{"id":"Y2lzY29zcGFyazovL3VzL1JPT00v","webLink":"https://',
      });
      return true;
    case 'garbled':
      res
        .status(failure.status ?? 200)
        .type('application/json')
        .send('{"id":"Y2lzY29zcGFyazovL3VzL1JPT00v","webLink":');
      return true;
    case 'json':
      res
        .status(failure.status)
        .set(failure.headers ?? {})
        .json(failure.body);
      return true;
    case 'text':
      res.status(failure.status).type('html').send(failure.body);
      return true;
    case 'rate_limited':
      if (failure.retryAfter !== undefined) res.set('Retry-After', failure.retryAfter);
      res.status(429).json(webexError('Too many requests have been sent in a given amount of time.'));
      return true;
    case 'invalid_token':
      res
        .status(401)
        .json(webexError('The request requires a valid access token set in the Authorization request header.'));
      return true;
  }
}

/** A body in Webex's error format. */
export function webexError(message: string): {
  message: string;
  errors: Array<{ description: string }>;
  trackingId: string;
} {
  return { message, errors: [{ description: message }], trackingId: `SIM_${Date.now().toString(36)}` };
}
