/**
 * Zoom routes (SPEC §5): the authorization popup (`register` → Zoom → `complete`), the
 * deauthorization webhook, and disconnecting a user's Zoom account.
 */
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { identityOf, requireBearer, requireSession } from '../auth/middleware.js';
import { randomToken } from '../crypto/random.js';
import { CallgateError, INTERNAL_MESSAGE } from '../errors.js';
import { toCallgateError } from '../http/errorMiddleware.js';
import { sendSuccess } from '../http/respond.js';
import { parseInput } from '../http/validate.js';
import { parseZoomWebhook, urlValidationToken, verifyZoomWebhook } from '../providers/zoom/webhook.js';
import type { Services } from '../services.js';
import { escapeHtml, renderPage, type PageOptions } from '../web/html.js';

/** The webhook body limit (SPEC §2). */
export const WEBHOOK_BODY_LIMIT = '64kb';

const completeQuery = z.object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(256) });

/** Routes of the Zoom integration. */
export function zoomRoutes(services: Services): Router {
  const router = Router();
  const log = services.logger.child({ module: 'zoom-routes' });
  const session = requireSession(services.verifier);
  const registerUrl = `${services.config.publicUrl}/calls/zoom/register`;

  router.get('/calls/zoom/register', session, async (req, res) => {
    const identity = identityOf(req);
    await services.limits.authorizationStarts.hit(identity);
    const location = await services.zoom.tokens.startAuthorization(identity);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, location);
  });

  router.get('/calls/zoom/complete', session, async (req, res) => {
    const identity = identityOf(req);
    res.setHeader('Cache-Control', 'no-store');
    try {
      if (typeof req.query['error'] === 'string') {
        throw new CallgateError('BAD_REQUEST', 'Zoom did not authorize callgate (the request was declined)');
      }
      const query = parseInput(completeQuery, req.query, 'query');
      await services.zoom.tokens.completeAuthorization(identity, query);
    } catch (raw) {
      const error = toCallgateError(raw);
      // A missing or expired session is the error middleware's: it may send the user to log in.
      if (error.code === 'UNAUTHORIZED') throw error;
      if (error.status >= 500) log.error({ err: raw, code: error.code }, 'zoom authorization failed');
      else log.info({ code: error.code }, 'zoom authorization refused');
      res.status(error.status);
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      // The popup stays open to explain and offer a retry; the opener learns not to wait.
      sendPopupPage(res, services.config.hostOrigin, {
        connected: false,
        title: 'Zoom was not connected',
        paragraphs: [
          error.expose ? error.message : INTERNAL_MESSAGE,
          'Start again to connect your Zoom account. If it keeps failing, tell your administrator.',
        ],
        trustedHtml: `<p><a href="${escapeHtml(registerUrl)}">Connect Zoom again</a></p>`,
      });
      return;
    }
    sendPopupPage(res, services.config.hostOrigin, {
      connected: true,
      title: 'Zoom connected',
      paragraphs: ['Your Zoom account is connected. You can close this window and start your call.'],
    });
  });

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
      const deleted = await services.zoom.tokens.deleteOfZoomUser(action.zoomUserId, action.zoomAccountId);
      log.info({ deleted }, 'zoom app deauthorized; tokens deleted');
      sendSuccess(res, { deleted });
      return;
    }
    log.debug({ event: action.event }, 'zoom webhook ignored');
    sendSuccess(res);
  });

  router.delete('/api/v1/me/connections/zoom', requireBearer(services.verifier), async (req, res) => {
    const disconnected = await services.zoom.tokens.disconnect(identityOf(req));
    sendSuccess(res, { disconnected });
  });

  return router;
}

/**
 * A page of the authorization popup that reports the outcome to the chat page: on
 * BroadcastChannel "callgate" and by postMessage to HOST_ORIGIN only, never "*" (skipped
 * when no host origin is configured). A success closes the popup; a failure stays open to
 * explain and offer a retry. The one inline script runs under a per-response nonce.
 */
function sendPopupPage(
  res: Response,
  hostOrigin: string | null,
  page: Omit<PageOptions, 'script'> & { connected: boolean },
): void {
  const { connected, ...content } = page;
  const nonce = randomToken(18);
  // JSON text with `<` escaped cannot close the script element.
  const origin = JSON.stringify(hostOrigin).replace(/</g, '\\u003c');
  const code = `(function () {
  var message = { type: "zoom_token", value: ${connected ? 'true' : 'false'} };
  var origin = ${origin};
  try { new BroadcastChannel("callgate").postMessage(message); } catch (e) {}
  if (origin && window.opener) { try { window.opener.postMessage(message, origin); } catch (e) {} }
  ${connected ? 'window.close();' : ''}
})();`;
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  res.type('html').send(renderPage({ ...content, script: { nonce, code } }));
}
