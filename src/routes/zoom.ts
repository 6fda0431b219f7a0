/**
 * Zoom's own route (SPEC §5): the deauthorization webhook. The authorization popup and
 * disconnection are the generic per-user authorization routes (`src/userAuth/routes.ts`).
 */
import express, { Router } from 'express';
import { CallgateError } from '../errors.js';
import { sendSuccess } from '../http/respond.js';
import { parseZoomWebhook, urlValidationToken, verifyZoomWebhook } from '../providers/zoom/webhook.js';
import type { Services } from '../services.js';

/** The webhook body limit (SPEC §2). */
export const WEBHOOK_BODY_LIMIT = '64kb';

/** Routes of the Zoom integration. */
export function zoomRoutes(services: Services): Router {
  const router = Router();
  const log = services.logger.child({ module: 'zoom-routes' });

  router.post('/calls/zoom/deauthorize', express.raw({ type: '*/*', limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const secret = services.config.zoom.webhookSecret;
    if (!secret) {
      throw new CallgateError('PROVIDER_NOT_CONFIGURED', 'Zoom webhook secret has not been configured');
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    verifyZoomWebhook({
      secret,
      signature: req.get('x-zm-signature'),
      timestamp: req.get('x-zm-request-timestamp'),
      rawBody,
      now: services.now(),
    });
    const action = parseZoomWebhook(rawBody);
    if (action.kind === 'url_validation') {
      // Zoom expects exactly these two fields: https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
      res.json({ plainToken: action.plainToken, encryptedToken: urlValidationToken(secret, action.plainToken) });
      return;
    }
    if (action.kind === 'deauthorized') {
      const tokens = services.userAuth.entry('zoom')?.handle;
      const deleted = tokens ? await tokens.forgetAccount(action.zoomUserId, action.zoomAccountId) : 0;
      log.info({ deleted }, 'zoom app deauthorized; tokens deleted');
      sendSuccess(res, { deleted });
      return;
    }
    log.debug({ event: action.event }, 'zoom webhook ignored');
    sendSuccess(res);
  });

  return router;
}
