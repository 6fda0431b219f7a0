/**
 * The JSON API — every route under `/api/` — served on plain node:http rather than through
 * Express. Express's per-request machinery (request and response prototypes, the layer
 * stack, `res.json`'s negotiation) cost more CPU than everything a call itself does: a
 * bare node:http server answers about four times as many requests as a bare Express one on
 * the bench machine. Pages, popups, webhooks and assets stay on Express (`app.ts`).
 *
 * The answers are the ones the Express pipeline gave: the same security headers (recorded
 * from helmet), CORS, body guard, authentication, validation order (`runRoute`), error
 * bodies, request log and duration metric.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { bearerIdentity } from '../auth/middleware.js';
import type { IdentityVerifier } from '../auth/identity.js';
import type { PageTokens } from '../auth/pageToken.js';
import { CallgateError } from '../errors.js';
import { readJsonBody } from './bodyGuard.js';
import { applyCors } from './cors.js';
import { loggedFailure, writeJsonError } from './errorMiddleware.js';
import { logWhenFinished, type RequestLogDeps } from './requestLog.js';
import { writeJsonReply } from './reply.js';
import type { RouteEntry } from './route.js';
import { expressPath, runRoute } from './routeTable.js';
import { setHeaders, type HeaderList } from './securityHeaders.js';

/** Whether a path (without its query) belongs to the JSON API; case-insensitive, as Express routes. */
export function isApiPath(path: string): boolean {
  return /^\/api(?:\/|$)/i.test(path);
}

/** What the API handler needs besides its routes. */
export interface ApiDeps extends RequestLogDeps {
  verifier: IdentityVerifier;
  pageTokens: PageTokens;
  securityHeaders: HeaderList;
  /** The one origin granted CORS (SPEC §7), or null for none. */
  hostOrigin: string | null;
}

/** The JSON API's request handler. */
export interface ApiHandler {
  /** Answers a request under `/api`; returns false, untouched, for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Each served route as `method /express/:path`, e.g. `post /api/v1/calls`. */
  served: string[];
}

/** A route compiled for matching: its path split into literal segments and parameters. */
interface CompiledRoute {
  entry: RouteEntry;
  method: string;
  /** Lower-cased literal segments, or a parameter's name. */
  segments: Array<string | { param: string }>;
  /** The route pattern of logs and metrics, e.g. `/api/v1/orgs/:org/settings`. */
  label: string;
}

/** A matched route with its path parameters, decoded. */
interface Match {
  route: CompiledRoute;
  params: Record<string, string>;
}

/** Builds the handler of `entries`, which must all be API routes answering JSON. */
export function createApiHandler(entries: readonly RouteEntry[], deps: ApiDeps): ApiHandler {
  const routes = entries.map(compile);

  /** Body rules first (as when they were Express middleware on `/api`), then routing, identity and the route. */
  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, found: (route: string) => void) => {
    await new Promise<void>((resolve, reject) =>
      readJsonBody(req, res, (error) => (error === undefined ? resolve() : reject(error))),
    );
    const method = req.method ?? 'GET';
    const matched = matchRoute(routes, method, path);
    if (!matched) {
      if (method === 'OPTIONS' && answerOptions(routes, path, res)) return;
      throw new CallgateError('NOT_FOUND', `No route for ${method} ${path}`);
    }
    const { entry, label } = matched.route;
    found(label);
    const identity =
      entry.auth === 'bearer'
        ? bearerIdentity(
            req.headers.authorization,
            deps.verifier,
            entry.pageToken ? { pageTokens: deps.pageTokens } : {},
          )
        : null;
    const url = req.url ?? path;
    const queryAt = url.indexOf('?');
    const reply = await runRoute(entry, {
      identity,
      params: matched.params,
      query: entry.query && queryAt >= 0 ? parseQuery(url.slice(queryAt + 1)) : {},
      body: (req as { body?: unknown }).body,
      headers: req.headers,
      originalUrl: url,
    });
    if (!writeJsonReply(res, reply))
      throw new Error(`${method} ${path}: an API route answered ${reply.kind}, not JSON`);
  };

  return {
    served: routes.map((route) => `${route.entry.method} ${route.label}`),
    handle(req, res) {
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt < 0 ? url : url.slice(0, queryAt);
      if (!isApiPath(path)) return false;
      const method = req.method ?? 'GET';
      let route = 'unmatched';
      logWhenFinished(deps, res, { method, path, route: () => route });
      setHeaders(res, deps.securityHeaders);
      if (applyCors(deps.hostOrigin, req, res)) return true;
      serve(req, res, path, (label) => (route = label)).catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        writeJsonError(res, loggedFailure(deps.logger, error, { method, path }));
      });
      return true;
    },
  };
}

function compile(entry: RouteEntry): CompiledRoute {
  if (!isApiPath(entry.path)) throw new Error(`${entry.path} is not an API route`);
  if (entry.auth === 'session' || entry.auth === 'webhook') {
    throw new Error(`${entry.method} ${entry.path}: API routes take a bearer token or nothing`);
  }
  return {
    entry,
    method: entry.method.toUpperCase(),
    segments: entry.path
      .split('/')
      .map((segment) => (/^\{\w+\}$/.test(segment) ? { param: segment.slice(1, -1) } : segment.toLowerCase())),
    label: expressPath(entry.path),
  };
}

/** Matches as Express's router does: case-insensitive literals, one trailing slash allowed, GET answering HEAD. */
function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): Match | null {
  const segments = splitPath(path);
  const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
  for (const candidate of wanted) {
    for (const route of routes) {
      if (route.method !== candidate) continue;
      const params = matchSegments(route, segments);
      if (params) return { route, params };
    }
  }
  return null;
}

function splitPath(path: string): string[] {
  const segments = path.split('/');
  if (segments.length > 2 && segments[segments.length - 1] === '') segments.pop();
  return segments;
}

/** The decoded parameters when `segments` fit the route, else null; a malformed escape throws URIError (400). */
function matchSegments(route: CompiledRoute, segments: readonly string[]): Record<string, string> | null {
  if (segments.length !== route.segments.length) return null;
  let params: Record<string, string> | null = null;
  for (let i = 0; i < segments.length; i++) {
    const want = route.segments[i] as CompiledRoute['segments'][number];
    const have = segments[i] as string;
    if (typeof want === 'string') {
      if (want !== have && want !== have.toLowerCase()) return null;
    } else {
      if (have === '') return null;
      (params ??= {})[want.param] = have;
    }
  }
  if (!params) return {};
  for (const name of Object.keys(params)) params[name] = decodeURIComponent(params[name] as string);
  return params;
}

/** An OPTIONS request that is not a CORS preflight: 204 with the path's methods in `Allow`, or false if none. */
function answerOptions(routes: readonly CompiledRoute[], path: string, res: ServerResponse): boolean {
  const segments = splitPath(path);
  const methods = new Set(routes.filter((route) => matchSegments(route, segments)).map((route) => route.method));
  if (methods.size === 0) return false;
  if (methods.has('GET')) methods.add('HEAD');
  res.statusCode = 204;
  res.setHeader('Allow', [...methods].sort().join(', '));
  res.end();
  return true;
}
