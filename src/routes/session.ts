/** `POST /api/v1/session`: turns a Bearer token into the `/calls/` session cookie (SPEC §1). */
import { z } from 'zod';
import { parseBearer, SESSION_COOKIE } from '../auth/middleware.js';
import { callerOf, defineRoute, type CookieChange, type RouteEntry } from '../http/route.js';
import type { Services } from '../services.js';

/** Options of the session cookie (SPEC §1): HttpOnly, SameSite=Lax, Path=/calls, Secure under https. */
export function sessionCookieOptions(publicUrl: string): CookieChange['options'] {
  return { httpOnly: true, sameSite: 'lax', path: '/calls', secure: publicUrl.startsWith('https:') };
}

/** Routes of the browser session. */
export function sessionRoutes(services: Services): RouteEntry[] {
  const options = sessionCookieOptions(services.config.publicUrl);
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/session',
      summary: 'Set the callgate_session cookie from the Bearer token',
      auth: 'bearer',
      success: { status: 200, schema: z.object({ expires_at: z.string() }) },
      errors: [401],
      handle(request) {
        const identity = callerOf(request);
        const token = parseBearer(request.header('authorization')) ?? '';
        const maxAgeMs = Math.max(0, identity.exp * 1000 - services.now());
        return {
          kind: 'success',
          fields: { expires_at: new Date(identity.exp * 1000).toISOString() },
          cookies: [{ name: SESSION_COOKIE, value: token, options: { ...options, maxAgeMs } }],
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/session',
      summary: 'Clear the session cookie',
      auth: 'bearer',
      success: { status: 200, schema: z.object({}) },
      errors: [401],
      handle() {
        return { kind: 'success', cookies: [{ name: SESSION_COOKIE, options }] };
      },
    }),
  ];
}
