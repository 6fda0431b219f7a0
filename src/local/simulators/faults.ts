/**
 * Fault injection shared by every provider simulator: a queue of failures per endpoint
 * (or for any endpoint), and the transport-level failures every upstream can suffer —
 * no answer, a reset connection, a redirect, a body cut short — played on the socket; and
 * the failures every JSON-API simulator shares (a status with any body, 429, 401, an HTML
 * error page, garbled or truncated JSON, a delay, a lost answer), each provider giving
 * only its own error bodies.
 */
import type { Request, Response } from 'express';

/** Failures of the transport itself, the same for every simulated provider. */
export type TransportFault =
  /** Never answer; the client's deadline (or the server's close) ends it. */
  | { kind: 'hang' }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** 302 to `location`, or to the request's own URL (a redirect loop). */
  | { kind: 'redirect'; location?: string };

/** Waits `ms` milliseconds (a slow provider). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Plays a transport fault on the response. */
export function sendTransportFault(req: Request, res: Response, fault: TransportFault): void {
  switch (fault.kind) {
    case 'hang':
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'redirect':
      res.redirect(302, fault.location ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`);
      return;
  }
}

/** Promises a body of `content-length` 512, sends its first bytes, then drops the connection. */
export function sendTruncated(
  req: Request,
  res: Response,
  options: { status: number; contentType: string; start: string },
): void {
  res.writeHead(options.status, { 'content-type': options.contentType, 'content-length': '512' });
  res.write(options.start);
  setImmediate(() => req.socket.destroy());
}

interface Queued<F> {
  fault: F;
  /** The endpoint it is for; undefined matches any endpoint. */
  endpoint: string | undefined;
  remaining: number;
}

/** Failures waiting for the next requests, first in first out per endpoint. */
export class FaultQueue<F> {
  private readonly queued: Queued<F>[] = [];

  /** Makes the next `times` requests (of `endpoint`, or of any when undefined) fail with `fault`. */
  add(fault: F, options: { endpoint?: string; times: number }): void {
    this.queued.push({ fault, endpoint: options.endpoint, remaining: options.times });
  }

  /** The failure for one request of `endpoint`, or null. */
  take(endpoint: string): F | null {
    const index = this.queued.findIndex((entry) => entry.endpoint === undefined || entry.endpoint === endpoint);
    const entry = this.queued[index];
    if (!entry) return null;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queued.splice(index, 1);
    return entry.fault;
  }

  /** Removes every queued failure. */
  clear(): void {
    this.queued.length = 0;
  }
}

/** A failure a JSON-API simulator can be told to produce instead of its normal answer. */
export type SimFault =
  | TransportFault
  /** This status with this JSON body (and headers). */
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** An HTML (or other text) page, e.g. a proxy's 502. */
  | { kind: 'text'; status: number; body: string }
  /** This status and body, with this content type (default text/plain) and headers. */
  | { kind: 'status'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  /** A 5xx with an HTML error page, as a proxy in front of a dead server answers. */
  | { kind: 'html'; status: number }
  /** The provider's own 429, with Retry-After when given. */
  | { kind: 'rate_limited'; retryAfter?: string }
  /** The provider's own 401 for a refused access token. */
  | { kind: 'invalid_token' }
  /** Promise a JSON body, send its first bytes, then drop the connection. */
  | { kind: 'truncated'; status?: number }
  /** A complete answer whose JSON is broken (default status 200). */
  | { kind: 'garbled'; status?: number }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** Do the work but never send the answer: the provider acted and the answer was lost. */
  | { kind: 'answer_lost' };

/** What one provider's broken answers look like. */
export interface FaultBodies {
  /** The first bytes of a truncated JSON answer. */
  truncatedStart: string;
  /** A JSON answer cut short. */
  garbled: string;
  /** The provider's 429 JSON body; without it a text/plain "Too Many Requests". */
  rateLimited?: () => unknown;
  /** The provider's 401 JSON body for a refused token; without it a text/plain "Unauthorized". */
  invalidToken?: () => unknown;
}

/**
 * Applies a fault. Returns true when the request was answered (or deliberately left
 * unanswered) and the handler must stop; `delay` and `answer_lost` return false.
 */
export async function applyFault(
  fault: SimFault | null,
  req: Request,
  res: Response,
  bodies: FaultBodies,
): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'answer_lost':
      // The handler runs, but whatever it answers goes nowhere; the connection stays open.
      res.json = () => res;
      res.send = () => res;
      return false;
    case 'json':
      res
        .status(fault.status)
        .set(fault.headers ?? {})
        .json(fault.body);
      return true;
    case 'text':
      res.status(fault.status).type('html').send(fault.body);
      return true;
    case 'status':
      res
        .status(fault.status)
        .set(fault.headers ?? {})
        .type(fault.contentType ?? 'text/plain')
        .send(fault.body);
      return true;
    case 'html':
      res
        .status(fault.status)
        .type('html')
        .send(
          `<!DOCTYPE html><html><head><title>${fault.status} Error</title></head><body><h1>${fault.status}</h1><p>nginx</p></body></html>`,
        );
      return true;
    case 'rate_limited':
      if (fault.retryAfter !== undefined) res.set('Retry-After', fault.retryAfter);
      if (bodies.rateLimited) res.status(429).json(bodies.rateLimited());
      else res.status(429).type('text/plain').send('Too Many Requests');
      return true;
    case 'invalid_token':
      if (bodies.invalidToken) res.status(401).json(bodies.invalidToken());
      else res.status(401).type('text/plain').send('Unauthorized');
      return true;
    case 'truncated':
      sendTruncated(req, res, {
        status: fault.status ?? 200,
        contentType: 'application/json',
        start: bodies.truncatedStart,
      });
      return true;
    case 'garbled':
      res
        .status(fault.status ?? 200)
        .type('application/json')
        .send(bodies.garbled);
      return true;
    default:
      sendTransportFault(req, res, fault);
      return true;
  }
}

/** Faults injected into one simulator's endpoints, without counters (Nextcloud Talk, Constructor Groups). */
export class EndpointFaults<Endpoint extends string> {
  private readonly queue = new FaultQueue<SimFault>();

  /** `bodies`: how this provider's broken answers look. */
  constructor(private readonly bodies: FaultBodies = PLAIN_FAULT_BODIES) {}

  /** Makes the next `times` requests (all, or of one endpoint) fail this way; `times` defaults to every request. */
  inject(fault: SimFault, options: { endpoint?: Endpoint; times?: number } = {}): void {
    this.queue.add(fault, {
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      times: options.times ?? Infinity,
    });
  }

  /** The fault for one request of `endpoint`, if any; uses one up. */
  take(endpoint: Endpoint): SimFault | null {
    return this.queue.take(endpoint);
  }

  /** Removes every injected fault. */
  clear(): void {
    this.queue.clear();
  }

  /** Waits `delayMs`, then applies the next fault of `endpoint`; true when the handler must stop. */
  async apply(endpoint: Endpoint, delayMs: number, req: Request, res: Response): Promise<boolean> {
    if (delayMs > 0) await sleep(delayMs);
    return applyFault(this.take(endpoint), req, res, this.bodies);
  }
}

/** Counters and injected failures of one simulator (Webex, Google Meet, Microsoft Teams). */
export interface SimFaults<Endpoint extends string> {
  /** Requests per endpoint, counted before delays and failures. */
  readonly requests: Record<Endpoint, number>;
  /** Delay before answering any request; change it at any time. */
  delayMs: number;
  /** Makes the next `times` requests of an endpoint fail. */
  fail(endpoint: Endpoint, failure: SimFault, times?: number): void;
  /** Clears injected failures. */
  clearFailures(): void;
  /** Zeroes the counters. */
  resetCounters(): void;
  /** Counts, delays and applies an injected failure; true when the request was answered by it. */
  intercept(endpoint: Endpoint, req: Request, res: Response): Promise<boolean>;
}

/** Creates the counters and failure queue for `endpoints`, failing with the provider's `bodies`. */
export function createSimFaults<Endpoint extends string>(
  endpoints: readonly Endpoint[],
  bodies: FaultBodies,
  delayMs = 0,
): SimFaults<Endpoint> {
  const queue = new FaultQueue<SimFault>();
  const requests = Object.fromEntries(endpoints.map((endpoint) => [endpoint, 0])) as Record<Endpoint, number>;
  const faults: SimFaults<Endpoint> = {
    requests,
    delayMs,
    fail(endpoint, failure, times = 1) {
      queue.add(failure, { endpoint, times });
    },
    clearFailures() {
      queue.clear();
    },
    resetCounters() {
      for (const endpoint of endpoints) requests[endpoint] = 0;
    },
    async intercept(endpoint, req, res) {
      requests[endpoint] += 1;
      if (faults.delayMs > 0) await sleep(faults.delayMs);
      return applyFault(queue.take(endpoint), req, res, bodies);
    },
  };
  return faults;
}

/** The broken answers of the simulators whose provider has no error format of its own here (Nextcloud Talk, Constructor Groups). */
export const PLAIN_FAULT_BODIES: FaultBodies = {
  truncatedStart: '{"result":"ok","data":{"token":"',
  garbled: '{"result": "ok", "data": {"url": ',
};
