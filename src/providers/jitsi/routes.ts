/** `GET /calls/jitsi/join` (SPEC §4): redeems a Jitsi join link for whoever clicked it. */
import { z } from 'zod';
import { assertSameOrg } from '../../auth/middleware.js';
import { callerOf, defineRoute, type RouteEntry } from '../../http/route.js';
import { JITSI_JOIN_PATH, type JitsiJoinLinks } from './joinLink.js';

/** Routes of Jitsi join links. */
export function jitsiRoutes(links: JitsiJoinLinks): RouteEntry[] {
  return [
    defineRoute({
      method: 'get',
      path: JITSI_JOIN_PATH,
      summary: 'Join a Jitsi call: mints a Jitsi JWT for the caller and redirects to the room',
      auth: 'session',
      query: z.object({
        jitsi: z.string().min(1).max(4096).describe('The signed join link from POST /api/v1/calls'),
      }),
      success: { status: 302, description: 'Redirect to <base>/<room>?jwt=<jwt>#config.startWithVideoMuted=...' },
      errors: [400, 401, 403],
      handle(request) {
        const identity = callerOf(request);
        const link = links.verify(request.query.jitsi);
        assertSameOrg(identity, link.org);
        // The redirect carries a personal JWT: keep it out of caches.
        return { kind: 'redirect', location: links.joinUrl(identity, link), headers: { 'Cache-Control': 'no-store' } };
      },
    }),
  ];
}
