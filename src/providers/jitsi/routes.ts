/** `GET /calls/jitsi/join` (SPEC §4): redeems a Jitsi join link for whoever clicked it. */
import { z } from 'zod';
import { assertSameOrg } from '../../auth/middleware.js';
import { callerOf, defineRoute, type RouteEntry } from '../../http/route.js';
import type { OrgContext } from '../types.js';
import type { JitsiTarget } from './jitsiTokens.js';
import { JITSI_JOIN_PATH, type JitsiJoinLinks } from './joinLink.js';

/** Routes of Jitsi join links. */
export function jitsiRoutes(
  links: JitsiJoinLinks,
  deps: {
    orgContextOf(org: string): Promise<OrgContext>;
    /** How tokens are made for a base URL in an org (its own credentials or the operator's). */
    targetFor(orgContext: OrgContext, base: string): JitsiTarget;
  },
): RouteEntry[] {
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
      errors: [400, 401, 403, 503],
      async handle(request) {
        const identity = callerOf(request);
        const link = links.verify(request.query.jitsi);
        assertSameOrg(identity, link.org);
        const orgContext = await deps.orgContextOf(link.org);
        const location = links.joinUrl(identity, link, (base) => deps.targetFor(orgContext, base));
        // The redirect carries a personal JWT: keep it out of caches.
        return { kind: 'redirect', location, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
  ];
}
