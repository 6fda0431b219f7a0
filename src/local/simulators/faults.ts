/**
 * Fault injection shared by every provider simulator: a queue of failures per endpoint
 * (or for any endpoint), and the transport-level failures every upstream can suffer —
 * no answer, a reset connection, a redirect, a body cut short — played on the socket.
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
