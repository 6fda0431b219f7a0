/**
 * Fault injection of the JSON-API simulators (Nextcloud Talk, Constructor Groups): the
 * transport faults and queue shared by every simulator (`faults.ts`), plus the answers a
 * broken JSON API or the proxy in front of it gives — a status with any body, 429, an HTML
 * error page, garbled JSON — and a delay.
 */
import type { Request, Response } from 'express';
import { FaultQueue, sendTransportFault, sendTruncated, sleep, type TransportFault } from './faults.js';

/** A failure a simulator can be told to produce instead of its normal answer. */
export type SimFault =
  | TransportFault
  /** Answer this status and body, with this content type (default text/plain) and headers. */
  | { kind: 'status'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  /** 429 with `Retry-After` when given. */
  | { kind: 'rate_limited'; retryAfter?: string }
  /** A 5xx with an HTML error page, as a proxy in front of a dead server answers. */
  | { kind: 'html'; status: number }
  /** Promise a JSON body, send its first bytes, then drop the connection. */
  | { kind: 'truncated' }
  /** Answer 200 with `application/json` that is not JSON. */
  | { kind: 'garbled' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number };

/** The injected faults of one simulator, by endpoint. */
export class SimFaults<Endpoint extends string> {
  private readonly queue = new FaultQueue<SimFault>();

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
}

/**
 * Applies a fault. Returns true when the request was answered (or deliberately left
 * unanswered) and the handler must stop; a `delay` waits and returns false.
 */
export async function applyFault(fault: SimFault | null, req: Request, res: Response): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
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
    case 'truncated':
      sendTruncated(req, res, {
        status: 200,
        contentType: 'application/json',
        start: '{"result":"ok","data":{"token":"',
      });
      return true;
    case 'garbled':
      res.status(200).type('application/json').send('{"result": "ok", "data": {"url": ');
      return true;
    default:
      sendTransportFault(req, res, fault);
      return true;
  }
}
