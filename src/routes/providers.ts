/** `GET /api/v1/providers` (SPEC §3): every provider with its availability for the caller's org. */
import { Router } from 'express';
import { identityOf, requireBearer } from '../auth/middleware.js';
import { sendSuccess } from '../http/respond.js';
import { orgContext } from '../orgs/orgSettings.js';
import type { Services } from '../services.js';

/** Routes of provider discovery. */
export function providerRoutes(services: Services): Router {
  const router = Router();
  // The admin page lists providers too, so its page token is accepted here.
  const auth = requireBearer(services.verifier, { pageTokens: services.pageTokens });
  router.get('/api/v1/providers', auth, async (req, res) => {
    const settings = await services.orgSettings.get(identityOf(req).org);
    sendSuccess(res, { providers: services.registry.describe(orgContext(settings)) });
  });
  return router;
}
