/** `GET /calls/bigbluebutton/join` (SPEC §6): a browser navigation from a BBB join link. */
import { z } from 'zod';
import { isCallgateError } from '../../errors.js';
import { callerOf, defineRoute, type RouteEntry } from '../../http/route.js';
import { countProviderError, type Metrics } from '../../metrics.js';
import { JOIN_PATH, type BigBlueButtonJoin } from './bigBlueButtonProvider.js';

/** Routes of BigBlueButton links. */
export function bigBlueButtonRoutes(join: BigBlueButtonJoin, metrics: Metrics): RouteEntry[] {
  return [
    defineRoute({
      method: 'get',
      path: JOIN_PATH,
      summary: 'Open a BigBlueButton call: creates the meeting at BBB and redirects to its join URL',
      auth: 'session',
      query: z.object({ bigbluebutton: z.string().min(1).max(4096).describe('Signed token from the call URL') }),
      success: { status: 302, description: "Redirect to BigBlueButton's join URL" },
      errors: [400, 401, 403, 502, 503, 504],
      async handle(request) {
        let location: string;
        try {
          location = await join.join(callerOf(request), request.query.bigbluebutton);
        } catch (error) {
          // Upstream failures only: an altered link or a wrong org is the visitor's, not BBB's.
          if (!isCallgateError(error) || error.code.startsWith('PROVIDER_')) {
            countProviderError(metrics, 'big_blue_button', error);
          }
          throw error;
        }
        // The URL carries BBB's checksum: the browser gets it, no cache or referrer does.
        return {
          kind: 'redirect',
          location,
          headers: { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
        };
      },
    }),
  ];
}
