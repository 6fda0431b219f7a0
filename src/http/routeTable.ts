/**
 * The route table: registers route entries on Express, with authentication, validation in
 * a fixed order (identity → path parameters → access → query → body) and reply rendering.
 * `openapi.ts` documents the very same entries, so what is served is what is documented.
 */
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { readCookie, requireBearer, requireSession } from '../auth/middleware.js';
import type { IdentityVerifier } from '../auth/identity.js';
import type { PageTokens } from '../auth/pageToken.js';
import { badRequest } from '../errors.js';
import { apiBody } from './bodyGuard.js';
import type { RouteEntry, RouteReply } from './route.js';
import { parseInput } from './validate.js';

/** The webhook body limit (SPEC §2). */
export const WEBHOOK_BODY_LIMIT = '64kb';

/** Converts an OpenAPI path (`/orgs/{org}`) to Express's (`/orgs/:org`). */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Registers `entries` on a new router; local-only entries only when `mode` is `local`. */
export function routeTableRouter(
  entries: readonly RouteEntry[],
  options: { verifier: IdentityVerifier; pageTokens: PageTokens; mode: 'production' | 'local' },
): Router {
  const router = Router();
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = `${entry.method} ${entry.path}`;
    if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
    seen.add(key);
    if (entry.localOnly && options.mode !== 'local') continue;
    const guards: RequestHandler[] = [];
    if (entry.auth === 'bearer') {
      guards.push(requireBearer(options.verifier, entry.pageToken ? { pageTokens: options.pageTokens } : {}));
    }
    if (entry.auth === 'session') guards.push(requireSession(options.verifier));
    if (entry.auth === 'webhook') guards.push(express.raw({ type: '*/*', limit: WEBHOOK_BODY_LIMIT }));
    if (entry.body) guards.push(apiBody);
    router[entry.method](expressPath(entry.path), ...guards, async (req: Request, res: Response) => {
      sendReply(res, await run(entry, req));
    });
  }
  return router;
}

async function run(entry: RouteEntry, req: Request): Promise<RouteReply> {
  const identity = req.identity ?? null;
  const params = entry.params ? parseInput(entry.params, { ...req.params }, 'params') : {};
  await entry.access?.({ identity, params });
  const query = entry.query ? parseInput(entry.query, { ...req.query }, 'query') : {};
  let body: unknown;
  if (entry.body) {
    const raw: unknown = req.body;
    if (raw === undefined && entry.bodyRequired) throw badRequest('body', 'must be a JSON object');
    body = parseInput(entry.body, raw === undefined ? {} : raw);
  }
  const rawBody = entry.auth === 'webhook' && Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return entry.handle({
    identity,
    params,
    query,
    body,
    rawBody,
    header: (name) => req.get(name),
    cookie: (name) => readCookie(req, name),
    originalUrl: req.originalUrl,
  });
}

function sendReply(res: Response, reply: RouteReply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  switch (reply.kind) {
    case 'success':
      for (const cookie of reply.cookies ?? []) {
        const { maxAgeMs, ...options } = cookie.options;
        if (cookie.value === undefined) res.clearCookie(cookie.name, options);
        else
          res.cookie(cookie.name, cookie.value, {
            ...options,
            ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
          });
      }
      res.status(reply.status ?? 200).json({ result: 'success', msg: '', ...reply.fields });
      return;
    case 'json':
      res.status(reply.status ?? 200).json(reply.body);
      return;
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
