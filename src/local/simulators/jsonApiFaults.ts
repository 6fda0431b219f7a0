/**
 * Fault injection shared by the JSON-API simulators (Nextcloud Talk, Constructor Groups):
 * a queue of failures, each for every endpoint or one, used up one request at a time, and
 * the code that produces each failure on the wire the way a broken server or proxy would.
 */
import type { Request, Response } from 'express';

/** A failure a simulator can be told to produce instead of its normal answer. */
export type SimFault =
  /** Answer this status and body, with this content type (default text/plain) and headers. */
  | { kind: 'status'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  /** 429 with `Retry-After` when given. */
  | { kind: 'rate_limited'; retryAfter?: string }
  /** A 5xx with an HTML error page, as a proxy in front of a dead server answers. */
  | { kind: 'html'; status: number }
  /** Never answer. */
  | { kind: 'hang' }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** 302 to `location`, or to the request's own URL (a redirect loop). */
  | { kind: 'redirect'; location?: string }
  /** Promise a JSON body, send its first bytes, then drop the connection. */
  | { kind: 'truncated' }
  /** Answer 200 with `application/json` that is not JSON. */
  | { kind: 'garbled' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number };

interface Queued<Endpoint extends string> {
  fault: SimFault;
  endpoint: Endpoint | undefined;
  remaining: number;
}

/** A queue of injected faults. */
export interface FaultQueue<Endpoint extends string> {
  /** Makes the next `times` requests (all, or of one endpoint) fail this way; `times` defaults to every request. */
  inject(fault: SimFault, options?: { endpoint?: Endpoint; times?: number }): void;
  /** The fault for this request, if any; uses one up. */
  take(endpoint: Endpoint): SimFault | null;
  /** Removes every injected fault. */
  clear(): void;
}

/** Creates an empty fault queue. */
export function createFaultQueue<Endpoint extends string>(): FaultQueue<Endpoint> {
  const queue: Queued<Endpoint>[] = [];
  return {
    inject(fault, options = {}) {
      queue.push({ fault, endpoint: options.endpoint, remaining: options.times ?? Infinity });
    },
    take(endpoint) {
      const index = queue.findIndex((item) => item.endpoint === undefined || item.endpoint === endpoint);
      const item = queue[index];
      if (!item) return null;
      item.remaining -= 1;
      if (item.remaining <= 0) queue.splice(index, 1);
      return item.fault;
    },
    clear() {
      queue.length = 0;
    },
  };
}

/**
 * Applies a fault. Returns true when the request was answered (or deliberately left
 * unanswered) and the handler must stop; a `delay` waits and returns false.
 */
export async function applyFault(fault: SimFault | null, req: Request, res: Response): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case 'status':
      res
        .status(fault.status)
        .set(fault.headers ?? {})
        .type(fault.contentType ?? 'text/plain')
        .send(fault.body);
      return true;
    case 'rate_limited':
      if (fault.retryAfter !== undefined) res.set('Retry-After', fault.retryAfter);
      res.status(429).type('text/plain').send('Too Many Requests');
      return true;
    case 'html':
      res
        .status(fault.status)
        .type('html')
        .send(
          `<!DOCTYPE html><html><head><title>${fault.status} Error</title></head><body><h1>${fault.status}</h1><p>nginx</p></body></html>`,
        );
      return true;
    case 'hang':
      // Never answered; the client's deadline (or the server's close) ends it.
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'redirect':
      res.redirect(302, fault.location ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`);
      return true;
    case 'truncated':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '512' });
      res.write('{"result":"ok","data":{"token":"');
      setImmediate(() => req.socket.destroy());
      return true;
    case 'garbled':
      res.status(200).type('application/json').send('{"result": "ok", "data": {"url": ');
      return true;
  }
}
