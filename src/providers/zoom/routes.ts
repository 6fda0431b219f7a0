/** `POST /calls/zoom/deauthorize` (SPEC §5): Zoom's webhook for URL validation and app deauthorization. */
import { z } from 'zod';
import { CallgateError } from '../../errors.js';
import type { DeliveryGuard } from '../../http/deliveryGuard.js';
import { defineRoute, type RouteEntry } from '../../http/route.js';
import type { Logger } from '../../log.js';
import type { UserTokens } from '../../userAuth/types.js';
import { parseZoomWebhook, urlValidationToken, verifyZoomWebhook, WEBHOOK_TOLERANCE_MS } from './webhook.js';

/** The webhook path registered in the Zoom app. */
export const ZOOM_WEBHOOK_PATH = '/calls/zoom/deauthorize';

/** Routes of the Zoom integration besides the generic authorization routes. */
export function zoomRoutes(deps: {
  webhookSecret: string | null;
  tokens: UserTokens;
  deliveries: DeliveryGuard;
  logger: Logger;
  now: () => number;
}): RouteEntry[] {
  return [
    defineRoute({
      method: 'post',
      path: ZOOM_WEBHOOK_PATH,
      summary: 'Zoom webhook: URL validation and app deauthorization',
      auth: 'webhook',
      success: {
        status: 200,
        // Either Zoom's URL-validation answer or a success with the number of deleted tokens.
        schema: z.object({}).loose(),
      },
      errors: [400, 401, 413, 503],
      async handle(request) {
        const secret = deps.webhookSecret;
        if (!secret) {
          throw new CallgateError('PROVIDER_NOT_CONFIGURED', 'Zoom webhook secret has not been configured');
        }
        verifyZoomWebhook({
          secret,
          signature: request.header('x-zm-signature'),
          timestamp: request.header('x-zm-request-timestamp'),
          rawBody: request.rawBody,
          now: deps.now(),
        });
        const action = parseZoomWebhook(request.rawBody);
        if (action.kind === 'url_validation') {
          // Zoom expects exactly these two fields: https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
          return {
            kind: 'json',
            body: { plainToken: action.plainToken, encryptedToken: urlValidationToken(secret, action.plainToken) },
          };
        }
        if (action.kind === 'deauthorized') {
          // The signature covers timestamp and body: the same signature is the same delivery.
          // Its timestamp verifies for 5 minutes either side of now, so a claim lasts 10.
          const outcome = await deps.deliveries.once(
            `zoom:${request.header('x-zm-signature') ?? ''}`,
            2 * WEBHOOK_TOLERANCE_MS,
            () => deps.tokens.forgetAccount(action.zoomUserId, action.zoomAccountId),
          );
          if (outcome.replay) {
            deps.logger.info('zoom webhook delivery replayed; nothing done');
            return { kind: 'success', fields: { deleted: 0, replayed: true } };
          }
          deps.logger.info({ deleted: outcome.value }, 'zoom app deauthorized; tokens deleted');
          return { kind: 'success', fields: { deleted: outcome.value } };
        }
        deps.logger.debug({ event: action.event }, 'zoom webhook ignored');
        return { kind: 'success' };
      },
    }),
  ];
}
