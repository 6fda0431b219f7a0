/** `POST /api/v1/session`: turns a Bearer token into the `/calls/` session cookie (SPEC §1). */
import { Router, type Response } from 'express';
import { bearerToken, identityOf, requireBearer, SESSION_COOKIE } from '../auth/middleware.js';
import { sendSuccess } from '../http/respond.js';
import type { Services } from '../services.js';

/** Sets the session cookie (SPEC §1): HttpOnly, SameSite=Lax, Path=/calls, Secure under https. */
export function setSessionCookie(res: Response, publicUrl: string, token: string, maxAgeMs: number): void {
  const secure = publicUrl.startsWith('https:');
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/calls',
    secure,
    maxAge: Math.max(0, maxAgeMs),
  });
}

/** Routes of the browser session. */
export function sessionRoutes(services: Services): Router {
  const router = Router();
  const secure = services.config.publicUrl.startsWith('https:');
  router.post('/api/v1/session', requireBearer(services.verifier), (req, res) => {
    const identity = identityOf(req);
    const token = bearerToken(req) ?? '';
    const remainingMs = Math.max(0, identity.exp * 1000 - services.now());
    setSessionCookie(res, services.config.publicUrl, token, remainingMs);
    sendSuccess(res, { expires_at: new Date(identity.exp * 1000).toISOString() });
  });
  router.delete('/api/v1/session', requireBearer(services.verifier), (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/calls', secure });
    sendSuccess(res);
  });
  return router;
}
