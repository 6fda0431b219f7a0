/**
 * The admin settings page. It lives under `/calls/` because the session cookie has
 * `Path=/calls` (SPEC §1); `/admin` redirects there.
 */
import { Router } from 'express';
import { identityOf, readCookie, requireSession, SESSION_COOKIE } from '../auth/middleware.js';
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
    // requireSession has verified this very cookie; it is the token the page's script uses.
    const token = readCookie(req, SESSION_COOKIE) ?? '';
    sendAppPage(res, renderAdminPage({ assets, identity: identityOf(req), token }));
  });
  return router;
}
