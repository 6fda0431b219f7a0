/**
 * Serves the per-user authorization route entries (`src/userAuth/routes.ts`) on Express.
 * TEMPORARY (R2): a minimal stand-in for the route table (R1's `src/http/routeTable.ts`),
 * which replaces this file at the merge by taking `services.userAuth.routes()` into its table.
 */
import { Router, type RequestHandler } from 'express';
import { requireBearer, requireSession } from '../auth/middleware.js';
import type { RouteEntry } from '../http/route.js';
import { sendSuccess } from '../http/respond.js';
import { parseInput } from '../http/validate.js';
import type { Services } from '../services.js';

/** Routes about the caller and their provider connections. */
export function meRoutes(services: Services): Router {
  const entries = services.userAuth.routes();
  const router = Router();
  for (const entry of entries) router[entry.method](entry.path, guard(services, entry), serve(entry));
  return router;
}

function guard(services: Services, entry: RouteEntry): RequestHandler {
  return entry.auth === 'session' ? requireSession(services.verifier) : requireBearer(services.verifier);
}

function serve(entry: RouteEntry): RequestHandler {
  return async (req, res) => {
    const query = entry.query ? parseInput(entry.query, { ...req.query }, 'query') : {};
    const reply = await entry.handle({
      identity: req.identity ?? null,
      params: {},
      query,
      body: undefined,
      rawBody: Buffer.alloc(0),
      header: (name) => req.get(name),
      originalUrl: req.originalUrl,
    });
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.kind === 'success') sendSuccess(res, reply.fields ?? {}, reply.status ?? 200);
    else if (reply.kind === 'redirect') res.redirect(reply.status ?? 302, reply.location);
    else if (reply.kind === 'html')
      res
        .status(reply.status ?? 200)
        .type('html')
        .send(reply.html);
    else throw new Error(`reply kind ${reply.kind} is not served here`);
  };
}
