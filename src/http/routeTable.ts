/**
 * The route table: registers route entries on Express, with authentication, validation in
 * a fixed order (identity → path parameters → access → query → body) and reply rendering.
 * `openapi.ts` documents the very same entries, so what is served is what is documented.
 */
import type { IncomingHttpHeaders } from 'node:http';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { readCookie, requireBearer, requireSession } from '../auth/middleware.js';
import type { Identity, IdentityVerifier } from '../auth/identity.js';
import type { PageTokens } from '../auth/pageToken.js';
import { badRequest } from '../errors.js';
import { apiBody } from './bodyGuard.js';
import type { RouteEntry, RouteReply } from './route.js';
import { writeJsonReply } from './reply.js';
import { parseInput } from './validate.js';

/** The webhook body limit (SPEC §2). */
export const WEBHOOK_BODY_LIMIT = '64kb';

/** Converts an OpenAPI path (`/orgs/{org}`) to Express's (`/orgs/:org`). */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The entries served in `mode` (local-only ones in local mode only); a route declared twice fails start-up. */
export function servedEntries(entries: readonly RouteEntry[], mode: 'production' | 'local'): RouteEntry[] {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = `${entry.method} ${entry.path}`;
    if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
    seen.add(key);
  }
  return entries.filter((entry) => !entry.localOnly || mode === 'local');
}

/** Registers `entries` (those servedEntries chose) on a new router. */
export function routeTableRouter(
  entries: readonly RouteEntry[],
  options: { verifier: IdentityVerifier; pageTokens: PageTokens },
): Router {
  const router = Router();
  for (const entry of entries) {
    const guards: RequestHandler[] = [];
    if (entry.auth === 'bearer') {
      guards.push(requireBearer(options.verifier, entry.pageToken ? { pageTokens: options.pageTokens } : {}));
    }
    if (entry.auth === 'session') guards.push(requireSession(options.verifier));
    if (entry.auth === 'webhook') guards.push(express.raw({ type: '*/*', limit: WEBHOOK_BODY_LIMIT }));
    if (entry.body) guards.push(apiBody);
    router[entry.method](expressPath(entry.path), ...guards, async (req: Request, res: Response) => {
      const received = {
        identity: req.identity ?? null,
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        body: req.body as unknown,
        headers: req.headers,
        originalUrl: req.originalUrl,
      };
      sendReply(res, await runRoute(entry, received));
    });
  }
  return router;
}

/** A request as received, before validation: what runRoute needs from Express or node:http. */
export interface ReceivedRequest {
  identity: Identity | null;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** The parsed JSON body (undefined when none), or the raw bytes on `webhook` routes. */
  body: unknown;
  headers: IncomingHttpHeaders;
  originalUrl: string;
}

/** Validates a received request in the fixed order and runs the route's handler. */
export async function runRoute(entry: RouteEntry, received: ReceivedRequest): Promise<RouteReply> {
  const { identity } = received;
  const params = entry.params ? parseInput(entry.params, { ...received.params }, 'params') : {};
  await entry.access?.({ identity, params });
  const query = entry.query ? parseInput(entry.query, { ...received.query }, 'query') : {};
  let body: unknown;
  if (entry.body) {
    const raw = received.body;
    if (raw === undefined && entry.bodyRequired) throw badRequest('body', 'must be a JSON object');
    body = parseInput(entry.body, raw === undefined ? {} : raw);
  }
  const rawBody = entry.auth === 'webhook' && Buffer.isBuffer(received.body) ? received.body : Buffer.alloc(0);
  return entry.handle({
    identity,
    params,
    query,
    body,
    rawBody,
    header: (name) => headerValue(received.headers, name),
    cookie: (name) => readCookie(received, name),
    originalUrl: received.originalUrl,
  });
}

/** One request header by name, any case; repeated headers joined as HTTP allows. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sendReply(res: Response, reply: RouteReply): void {
  if (writeJsonReply(res, reply)) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  switch (reply.kind) {
    case 'redirect':
      res.redirect(reply.status ?? 302, reply.location);
      return;
    case 'html':
      res
        .status(reply.status ?? 200)
        .type('html')
        .send(reply.html);
      return;
    case 'text':
      res
        .status(reply.status ?? 200)
        .type(reply.contentType)
        .send(reply.body);
      return;
  }
}
