/**
 * One-time tickets for frontends on another site (SPEC §1): `POST /api/v1/session/ticket`
 * issues one, and any `GET /calls/...` URL carrying `ticket=` redeems it once for the
 * session cookie, then redirects to the same URL without the ticket.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { parseBearer, SESSION_COOKIE } from '../auth/middleware.js';
import { callerOf, defineRoute, type RouteEntry } from '../http/route.js';
import type { Services } from '../services.js';
import { sessionCookieOptions } from './session.js';

/** `POST /api/v1/session/ticket`. */
export function sessionTicketRoutes(services: Services): RouteEntry[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/session/ticket',
      summary: 'A one-time ticket (60 s) that a /calls/ URL accepts once in place of the cookie (?ticket=)',
      auth: 'bearer',
      success: { status: 200, schema: z.object({ ticket: z.string(), expires_in: z.number().int() }) },
      errors: [401],
      async handle(request) {
        const token = parseBearer(request.header('authorization')) ?? '';
        const issued = await services.tickets.issue(token, callerOf(request));
        return {
          kind: 'success',
          fields: { ticket: issued.ticket, expires_in: issued.expiresIn },
          headers: { 'Cache-Control': 'no-store' },
        };
      },
    }),
  ];
}

/**
 * Redeems `ticket=` on browser navigations under `/calls/`. The ticket is removed from the
 * URL whether or not it was valid: a used or expired ticket must not stick in the address
 * bar, and the page it leads to then judges the cookie (or its absence) as usual. The rest
 * of the query is kept byte for byte, since signed links have exactly one valid spelling.
 */
export function redeemTickets(services: Services): RequestHandler {
  const log = services.logger.child({ module: 'session-ticket' });
  const cookie = sessionCookieOptions(services.config.publicUrl);
  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const split = splitTicket(req.originalUrl);
    if (!split) return next();
    const token = split.ticket === null ? null : await services.tickets.redeem(split.ticket);
    let accepted = false;
    if (token) {
      try {
        const identity = services.verifier.verify(token);
        res.cookie(SESSION_COOKIE, token, { ...cookie, maxAge: Math.max(0, identity.exp * 1000 - services.now()) });
        accepted = true;
      } catch {
        // The identity token expired within the ticket's minute: as if there were no ticket.
      }
    }
    log.debug({ accepted }, 'session ticket redeemed');
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, `${services.config.publicUrl}${split.rest}`);
  };
}

/**
 * Splits the `ticket` parameter(s) off a raw request URL; null when it has none. The first
 * ticket counts; `rest` is the URL without any of them.
 */
export function splitTicket(originalUrl: string): { ticket: string | null; rest: string } | null {
  const mark = originalUrl.indexOf('?');
  if (mark < 0) return null;
  const path = originalUrl.slice(0, mark);
  const kept: string[] = [];
  let ticket: string | null | undefined;
  for (const part of originalUrl.slice(mark + 1).split('&')) {
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    if (name !== 'ticket') {
      kept.push(part);
      continue;
    }
    if (ticket === undefined) ticket = equals < 0 ? null : safeDecode(part.slice(equals + 1));
  }
  if (ticket === undefined) return null;
  const query = kept.filter((part) => part !== '').join('&');
  return { ticket, rest: query ? `${path}?${query}` : path };
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
