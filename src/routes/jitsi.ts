/** `GET /calls/jitsi/join` (SPEC §4): redeems a Jitsi join link for whoever clicked it. */
import { Router } from 'express';
import { z } from 'zod';
import { assertSameOrg, identityOf, requireSession } from '../auth/middleware.js';
import { parseInput } from '../http/validate.js';
import { JITSI_JOIN_PATH } from '../providers/jitsi/joinLink.js';
import type { Services } from '../services.js';

const joinQuery = z.object({ jitsi: z.string().min(1).max(4096) });

/** Routes of Jitsi join links. */
export function jitsiRoutes(services: Services): Router {
  const router = Router();
  router.get(JITSI_JOIN_PATH, requireSession(services.verifier), (req, res) => {
    const identity = identityOf(req);
    const { jitsi } = parseInput(joinQuery, req.query, 'query');
    const link = services.jitsi.verify(jitsi);
    assertSameOrg(identity, link.org);
    // The redirect carries a personal JWT: keep it out of caches.
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, services.jitsi.joinUrl(identity, link));
  });
  return router;
}
