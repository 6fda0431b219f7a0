/**
 * The admin settings page. It lives under `/calls/` because the session cookie has
 * `Path=/calls` (SPEC §1); `/admin` redirects there.
 */
import { Router } from 'express';
import { identityOf, requireSession } from '../auth/middleware.js';
import type { Services } from '../services.js';
import { renderAdminPage } from '../web/adminPage.js';
import type { Assets } from '../web/assets.js';
import { sendAppPage } from '../web/layout.js';

/** Routes of the admin page. */
export function adminRoutes(services: Services, assets: Assets): Router {
  const router = Router();
  router.get('/admin', (_req, res) => {
    res.redirect(302, '/calls/admin');
  });
  router.get('/calls/admin', requireSession(services.verifier), (req, res) => {
    // Not the session cookie: a page token that only the page's own API calls accept, for
    // this org, for at most 15 minutes (SPEC §9).
    const identity = identityOf(req);
    sendAppPage(res, renderAdminPage({ assets, identity, token: services.pageTokens.mint(identity) }));
  });
  return router;
}
