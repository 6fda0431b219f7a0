/** `POST /api/v1/session`: turns a Bearer token into the `/calls/` session cookie (SPEC §1). */
import { Router, type Response } from 'express';
import { bearerToken, identityOf, requireBearer, SESSION_COOKIE } from '../auth/middleware.js';
import { sendSuccess } from '../http/respond.js';
import type { Services } from '../services.js';

/** Routes of the browser session. */
export function sessionRoutes(services: Services): Router {
  const router = Router();
  const secure = services.config.publicUrl.startsWith('https:');
  const setCookie = (res: Response, value: string, maxAgeMs: number): void => {
    res.cookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/calls', secure, maxAge: maxAgeMs });
  };
  router.post('/api/v1/session', requireBearer(services.verifier), (req, res) => {
    const identity = identityOf(req);
    const token = bearerToken(req) ?? '';
    const remainingMs = Math.max(0, identity.exp * 1000 - services.now());
    setCookie(res, token, remainingMs);
    sendSuccess(res, { expires_at: new Date(identity.exp * 1000).toISOString() });
  });
  router.delete('/api/v1/session', requireBearer(services.verifier), (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/calls', secure });
    sendSuccess(res);
  });
  return router;
}
