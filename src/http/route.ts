/**
 * One route of the route table: the data that drives Express registration, request
 * validation and `GET /openapi.json` alike, so no route is served undocumented and no
 * schema is written twice. Handlers see a parsed request and answer a reply value; they
 * never touch Express, so provider modules stay free of HTTP routing.
 */
import type { z } from 'zod';
import type { Identity } from '../auth/identity.js';

/** HTTP methods a route may answer. */
export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: `bearer` (API, `Authorization: Bearer`), `session` (browser
 * navigation under `/calls/`, the `callgate_session` cookie or a ticket), `webhook`
 * (no identity; the raw body is kept for the handler to verify a signature, 64 KiB limit),
 * `none` (public).
 */
export type RouteAuth = 'none' | 'bearer' | 'session' | 'webhook';

/** The parsed request a handler sees. */
export interface RouteRequest<Params, Query, Body> {
  /** The verified caller; null exactly when the route's auth is `none` or `webhook`. */
  identity: Identity | null;
  params: Params;
  query: Query;
  body: Body;
  /** The raw body bytes (`webhook` routes only; otherwise empty). */
  rawBody: Buffer;
  /** A request header, lower- or mixed-case name. */
  header(name: string): string | undefined;
  /** A cookie's value, or null. */
  cookie(name: string): string | null;
  /** The request's path and query as received, e.g. for a log-in redirect. */
  originalUrl: string;
}

/** What a handler answers; the route table turns it into the HTTP response. */
export type RouteReply =
  /** SPEC §2 success: `{"result":"success","msg":"", ...fields}`, optionally setting or clearing cookies. */
  | {
      kind: 'success';
      fields?: Record<string, unknown>;
      status?: number;
      headers?: Record<string, string>;
      cookies?: CookieChange[];
    }
  /** A JSON body exactly as given (e.g. a provider's webhook handshake). */
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  /** A 302 (or other 3xx) redirect. */
  | { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307; headers?: Record<string, string> }
  /** A rendered HTML page; pages that run a script set their own CSP header here. */
  | { kind: 'html'; html: string; status?: number; headers?: Record<string, string> }
  /** Any other body, text or bytes, e.g. Prometheus metrics or the site icon. */
  | { kind: 'text'; body: string | Buffer; contentType: string; status?: number; headers?: Record<string, string> };

/** A cookie set (with `value`) or cleared (without). */
export interface CookieChange {
  name: string;
  /** The value to set; absent clears the cookie. */
  value?: string;
  options: { httpOnly: boolean; sameSite: 'lax' | 'strict'; path: string; secure: boolean; maxAgeMs?: number };
}

/** The success answer as documented in OpenAPI. */
export interface RouteSuccess {
  status: number;
  /** Schema of the fields beside `result` and `msg`, or of the whole JSON body when `raw`. */
  schema?: z.ZodType;
  /** The body is not the SPEC §2 envelope (e.g. `/healthz`, a provider's webhook handshake). */
  raw?: boolean;
  /** For non-JSON answers: what comes back, e.g. "Redirect to Zoom's authorize page". */
  description?: string;
}

/** A route as written, with its schemas' types flowing into the handler. */
export interface RouteSpec<Params, Query, Body> {
  method: RouteMethod;
  /** Path in OpenAPI form, e.g. `/api/v1/orgs/{org}/settings`; Express gets `:org`. */
  path: string;
  summary: string;
  auth: RouteAuth;
  /**
   * With `bearer`: also accept the admin page's token (SPEC §9). Only the routes that page
   * calls set this, so the token it embeds is good for nothing else.
   */
  pageToken?: boolean;
  /** Path parameters; a failure is 400 BAD_REQUEST naming the parameter. */
  params?: z.ZodType<Params>;
  /** Query string; a failure is 400 naming the field. */
  query?: z.ZodType<Query>;
  /** JSON body; a failure is 400 naming the field. A missing body is parsed as `{}` unless `bodyRequired`. */
  body?: z.ZodType<Body>;
  /** A request without a body is 400 `body: must be a JSON object`. */
  bodyRequired?: boolean;
  /**
   * Checks run after authentication and path parameters, before query and body are parsed
   * (so a caller without access learns nothing about the input rules), e.g. "admin of {org}".
   */
  access?(request: { identity: Identity | null; params: NoInfer<Params> }): void | Promise<void>;
  success: RouteSuccess;
  /** Error statuses this route may answer (documented in OpenAPI). */
  errors?: number[];
  /** Served in local mode only (SPEC §8). */
  localOnly?: boolean;
  handle(request: RouteRequest<Params, Query, Body>): Promise<RouteReply> | RouteReply;
}

/** A route with its types erased, as the route table holds it. */
export type RouteEntry = RouteSpec<unknown, unknown, unknown>;

/** Declares a route: types flow from the schemas to the handler, then are erased for the table. */
export function defineRoute<Params = Record<string, never>, Query = Record<string, never>, Body = undefined>(
  spec: RouteSpec<Params, Query, Body>,
): RouteEntry {
  return spec;
}

/** The caller of a `bearer` or `session` route; throws if a route without identity asks. */
export function callerOf(request: { identity: Identity | null }): Identity {
  if (!request.identity) throw new Error('route has no identity');
  return request.identity;
}
