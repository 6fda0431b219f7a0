/**
 * Routes of per-user authorization (SPEC §5), one set per registered provider:
 * `GET /calls/<path>/register` (→ the provider), `GET /calls/<path>/complete` (← the
 * provider; answers the popup page), `GET /api/v1/me` with the caller's connections and
 * `DELETE /api/v1/me/connections/{provider}`.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { identityOf, requireBearer, requireSession } from '../auth/middleware.js';
import type { IdentityVerifier } from '../auth/identity.js';
import { CallgateError, INTERNAL_MESSAGE } from '../errors.js';
import { toCallgateError } from '../http/errorMiddleware.js';
import { sendSuccess } from '../http/respond.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../log.js';
import { escapeHtml } from '../web/html.js';
import { sendPopupPage } from './popupPage.js';
import type { UserAuthEntry, UserAuthService } from './service.js';
import { messageTypeOf } from './texts.js';

const completeQuery = z.object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(256) });
const errorQuery = z.object({ error: z.string().max(256), error_description: z.string().max(2048).optional() });

/** What the routes need. */
export interface UserAuthRouteDeps {
  userAuth: UserAuthService;
  verifier: IdentityVerifier;
  publicUrl: string;
  hostOrigin: string | null;
  logger: Logger;
  /** Ids of the registered providers available to the caller's organization. */
  availableProviders(identity: Identity): Promise<string[]>;
}

/** The routes of every registered provider. */
export function userAuthRoutes(deps: UserAuthRouteDeps): Router {
  const router = Router();
  const session = requireSession(deps.verifier);
  for (const entry of deps.userAuth.entries()) mountFlow(router, deps, entry, session);

  router.get('/api/v1/me', requireBearer(deps.verifier), async (req, res) => {
    const identity = identityOf(req);
    const connections = await deps.userAuth.connections(identity, await deps.availableProviders(identity));
    sendSuccess(res, {
      user: { id: identity.userId, name: identity.name, email: identity.email },
      org: identity.org,
      role: identity.role,
      connections,
    });
  });

  router.delete('/api/v1/me/connections/:provider', requireBearer(deps.verifier), async (req, res) => {
    const provider = String(req.params['provider']);
    const disconnected = await deps.userAuth.disconnect(provider, identityOf(req));
    sendSuccess(res, { disconnected });
  });
  return router;
}

function mountFlow(
  router: Router,
  deps: UserAuthRouteDeps,
  entry: UserAuthEntry,
  session: ReturnType<typeof requireSession>,
): void {
  const { spec, texts } = entry;
  const provider = spec.providerId;
  const log = deps.logger.child({ module: 'user-auth-routes', provider });
  const registerUrl = `${deps.publicUrl}/calls/${spec.path}/register`;
  const messageType = messageTypeOf(spec);

  router.get(`/calls/${spec.path}/register`, session, async (req, res) => {
    const location = await deps.userAuth.startAuthorization(provider, identityOf(req));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, location);
  });

  router.get(`/calls/${spec.path}/complete`, session, async (req, res) => {
    const identity = identityOf(req);
    res.setHeader('Cache-Control', 'no-store');
    try {
      if (typeof req.query['error'] === 'string') {
        const refusal = errorQuery.safeParse(req.query);
        const words = refusal.success
          ? spec.describeAuthorizeError?.(refusal.data.error, refusal.data.error_description)
          : null;
        throw new CallgateError('BAD_REQUEST', words ?? texts.declined);
      }
      const query = parseInput(completeQuery, req.query, 'query');
      await deps.userAuth.completeAuthorization(provider, identity, query);
    } catch (raw) {
      const error = toCallgateError(raw);
      // A missing or expired session is the error middleware's: it may send the user to log in.
      if (error.code === 'UNAUTHORIZED') throw error;
      if (error.status >= 500) log.error({ err: raw, code: error.code }, 'user authorization failed');
      else log.info({ code: error.code }, 'user authorization refused');
      res.status(error.status);
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      // The popup stays open to explain and offer a retry; the opener learns not to wait.
      sendPopupPage(res, deps.hostOrigin, {
        connected: false,
        messageType,
        title: texts.failedTitle,
        paragraphs: [error.expose ? error.message : INTERNAL_MESSAGE, texts.failedHint],
        trustedHtml: `<p><a href="${escapeHtml(registerUrl)}">${escapeHtml(texts.retryLink)}</a></p>`,
      });
      return;
    }
    sendPopupPage(res, deps.hostOrigin, {
      connected: true,
      messageType,
      title: texts.connectedTitle,
      paragraphs: [texts.connectedBody],
    });
  });
}
