/** `GET /calls/bigbluebutton/join` (SPEC §6): a browser navigation from a BBB join link. */
import { Router } from 'express';
import { z } from 'zod';
import { identityOf, requireSession } from '../auth/middleware.js';
import { isCallgateError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { countProviderError } from '../metrics.js';
import { JOIN_PATH } from '../providers/bigbluebutton/bigBlueButtonProvider.js';
import type { Services } from '../services.js';

const joinQuery = z.object({ bigbluebutton: z.string().min(1).max(4096) });

/** Routes of BigBlueButton links. */
export function bigBlueButtonRoutes(services: Services): Router {
  const router = Router();
  router.get(JOIN_PATH, requireSession(services.verifier), async (req, res) => {
    const { bigbluebutton: token } = parseInput(joinQuery, req.query, 'query');
    let location: string;
    try {
      location = await services.bigBlueButton.join(identityOf(req), token);
    } catch (error) {
      // Upstream failures only: an altered link or a wrong org is the visitor's, not BBB's.
      if (!isCallgateError(error) || error.code.startsWith('PROVIDER_')) {
        countProviderError(services.metrics, 'big_blue_button', error);
      }
      throw error;
    }
    // The URL carries BBB's checksum: the browser gets it, no cache or referrer does.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(302, location);
  });
  return router;
}
