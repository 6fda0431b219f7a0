/**
 * Where identity comes from (SPEC §1): the Bearer header on `/api/`, the
 * `callgate_session` cookie on `/calls/` pages. The two never mix: a cookie is never
 * accepted by an API route, so no state-changing route can be reached by CSRF.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { CallgateError } from '../errors.js';
import { isAdmin, type Identity, type IdentityVerifier } from './identity.js';
import { isPageTokenShape, type PageTokens } from './pageToken.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'callgate_session';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified caller; set by requireBearer or requireSession. */
    identity?: Identity;
  }
}

/** The identity a guard has verified; throws if a route forgot its guard. */
export function identityOf(req: Request): Identity {
  if (!req.identity) throw new Error('route has no identity guard');
  return req.identity;
}

/** Reads the token of an `Authorization: Bearer` header value, or null. */
export function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Reads one cookie's value from the Cookie header, or null. */
export function readCookie(req: { headers: IncomingHttpHeaders }, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Options of requireBearer. */
export interface BearerOptions {
  /** Also accept the admin page's tokens: only on the routes that page calls. */
  pageTokens?: PageTokens;
}

/** The caller of an `Authorization` header: the host's JWT, or where allowed the admin page's token. */
export function bearerIdentity(
  header: string | undefined,
  verifier: IdentityVerifier,
  options: BearerOptions = {},
): Identity {
  const token = parseBearer(header);
  if (!token) throw new CallgateError('UNAUTHORIZED', 'Missing Authorization: Bearer token');
  return options.pageTokens && isPageTokenShape(token) ? options.pageTokens.verify(token) : verifier.verify(token);
}

/** Requires a valid Bearer token (see bearerIdentity). */
export function requireBearer(verifier: IdentityVerifier, options: BearerOptions = {}): RequestHandler {
  return (req, _res, next) => {
    req.identity = bearerIdentity(req.headers.authorization, verifier, options);
    next();
  };
}

/** Requires a valid session cookie (browser navigations under `/calls/`). */
export function requireSession(verifier: IdentityVerifier): RequestHandler {
  return (req, _res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) {
      next(new CallgateError('UNAUTHORIZED', 'You are not signed in'));
      return;
    }
    req.identity = verifier.verify(token);
    next();
  };
}

/** Throws FORBIDDEN unless the caller belongs to `org`. */
export function assertSameOrg(identity: Identity, org: string): void {
  if (identity.org !== org) throw new CallgateError('FORBIDDEN', 'You are not a member of this organization');
}

/** Throws FORBIDDEN unless the caller is an admin or owner of `org`. */
export function assertOrgAdmin(identity: Identity, org: string): void {
  assertSameOrg(identity, org);
  if (!isAdmin(identity.role)) {
    throw new CallgateError('FORBIDDEN', 'Only organization administrators can do this');
  }
}
