/** `GET /api/v1/me` (SPEC §5): who the caller is and which providers they connected. */
import { Router } from 'express';
import { identityOf, requireBearer } from '../auth/middleware.js';
import { sendSuccess } from '../http/respond.js';
import type { Services } from '../services.js';

/** Routes about the caller. */
export function meRoutes(services: Services): Router {
  const router = Router();
  router.get('/api/v1/me', requireBearer(services.verifier), async (req, res) => {
    const identity = identityOf(req);
    const token = await services.store.getZoomToken(identity.org, identity.userId);
    sendSuccess(res, {
      user: { id: identity.userId, name: identity.name, email: identity.email },
      org: identity.org,
      role: identity.role,
      connections: {
        zoom: { connected: token !== null, expires_at: token ? new Date(token.expiresAt).toISOString() : null },
      },
    });
  });
  return router;
}
