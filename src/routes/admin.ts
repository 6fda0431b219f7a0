/**
 * The admin settings page. It lives under `/calls/` because the session cookie has
 * `Path=/calls` (SPEC §1); `/admin` redirects there.
 */
import type { PageTokens } from '../auth/pageToken.js';
import { callerOf, defineRoute, type RouteEntry } from '../http/route.js';
import { renderAdminPage } from '../web/adminPage.js';
import type { Assets } from '../web/assets.js';
import { appPageReply } from '../web/layout.js';

/** Routes of the admin page. */
export function adminRoutes(assets: Assets, pageTokens: PageTokens): RouteEntry[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin',
      summary: 'Redirects to /calls/admin, where the session cookie is sent',
      auth: 'none',
      success: { status: 302, description: 'Redirect to /calls/admin' },
      handle: () => ({ kind: 'redirect', location: '/calls/admin' }),
    }),
    defineRoute({
      method: 'get',
      path: '/calls/admin',
      summary: 'Admin settings page (HTML); members see it read-only',
      auth: 'session',
      success: { status: 200, description: 'HTML page' },
      errors: [401],
      handle(request) {
        // Not the session cookie: a page token that only the page's own API calls accept, for
        // this org, for at most 15 minutes (SPEC §9).
        const identity = callerOf(request);
        return appPageReply(renderAdminPage({ assets, identity, token: pageTokens.mint(identity) }));
      },
    }),
  ];
}
