/**
 * Fault injection of the JSON providers' simulators (Google Meet, Microsoft Teams), on the
 * shared queue and transport faults of `local/simulators/faults.ts`: every endpoint counts
 * its requests, and the next request(s) of an endpoint can be made to fail in any way a real
 * provider fails. Loaded by simulators only, never by production code paths.
 */
import type { Request, Response, Router } from 'express';
import express from 'express';
import { FaultQueue, sendTransportFault, sendTruncated, sleep } from '../../local/simulators/faults.js';
import { listenOnLoopback } from '../../local/simulators/loopback.js';

/** A failure to inject into the next request(s) of an endpoint. */
export type SimFailure =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** An HTML (or other text) page, e.g. a proxy's 502. */
  | { kind: 'text'; status: number; body: string }
  /** Never answered; the client's deadline ends it. */
  | { kind: 'hang' }
  /** The connection is dropped without an answer. */
  | { kind: 'reset' }
  /** The provider's own 429, with Retry-After when given. */
  | { kind: 'rate_limited'; retryAfter?: string }
  /** The provider's own 401 for a refused access token. */
  | { kind: 'invalid_token' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** 302 to `location`, or to the request's own URL. */
  | { kind: 'redirect'; location?: string }
  /** Promise a JSON body, send its first bytes, then drop the connection. */
  | { kind: 'truncated'; status?: number }
  /** Do the work but never send the answer: the provider acted and the answer was lost. */
  | { kind: 'answer_lost' };

/** The provider's own bodies for the failures that have one. */
export interface SimFailureFormats {
  rateLimited: unknown;
  invalidToken: unknown;
}

/** Counters and injected failures of one simulator. */
export interface SimFaults<Endpoint extends string> {
  /** Requests per endpoint, counted before delays and failures. */
  readonly requests: Record<Endpoint, number>;
  /** Delay before answering any request; change it at any time. */
  delayMs: number;
  /** Makes the next `times` requests of an endpoint fail. */
  fail(endpoint: Endpoint, failure: SimFailure, times?: number): void;
  /** Clears injected failures. */
  clearFailures(): void;
  /** Zeroes the counters. */
  resetCounters(): void;
  /** Counts, delays and applies an injected failure; true when the request was answered by it. */
  intercept(endpoint: Endpoint, req: Request, res: Response): Promise<boolean>;
}

/** Creates the counters and failure queues for `endpoints`. */
export function createSimFaults<Endpoint extends string>(
  endpoints: readonly Endpoint[],
  formats: SimFailureFormats,
): SimFaults<Endpoint> {
  const zero = (): Record<Endpoint, number> =>
    Object.fromEntries(endpoints.map((endpoint) => [endpoint, 0])) as Record<Endpoint, number>;
  const queue = new FaultQueue<SimFailure>();
  const faults: SimFaults<Endpoint> = {
    requests: zero(),
    delayMs: 0,
    fail(endpoint, failure, times = 1) {
      queue.add(failure, { endpoint, times });
    },
    clearFailures() {
      queue.clear();
    },
    resetCounters() {
      for (const endpoint of endpoints) faults.requests[endpoint] = 0;
    },
    async intercept(endpoint, req, res) {
      faults.requests[endpoint] += 1;
      if (faults.delayMs > 0) await sleep(faults.delayMs);
      const failure = queue.take(endpoint);
      if (!failure) return false;
      switch (failure.kind) {
        case 'delay':
          await sleep(failure.ms);
          return false;
        case 'answer_lost':
          // The handler runs, but whatever it answers goes nowhere; the connection stays open.
          res.json = () => res;
          res.send = () => res;
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
            start: '{"access_token":"sim_at_truncated","meetingUri":"https://',
          });
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
          res.status(429).json(formats.rateLimited);
          return true;
        case 'invalid_token':
          res.status(401).json(formats.invalidToken);
          return true;
      }
    },
  };
  return faults;
}

/** A simulator router served on its own port. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, the simulator's base URL. */
  url: string;
  close(): Promise<void>;
}

/** Serves `router` on 127.0.0.1 at an ephemeral port (tests and the bench). */
export async function serveOnLoopback(router: Router): Promise<LoopbackServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(router);
  const server = await listenOnLoopback(app);
  return { url: server.origin, close: () => server.close() };
}
