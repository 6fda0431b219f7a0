/**
 * buildApp(services): middleware and routes, no listening, so tests start it on port 0
 * in-process and main.ts listens separately.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import { CallgateError } from './errors.js';
import { apiBody } from './http/bodyGuard.js';
import { apiCors } from './http/cors.js';
import { errorMiddleware } from './http/errorMiddleware.js';
import { requestLog } from './http/requestLog.js';
import { bigBlueButtonRoutes } from './routes/bigbluebutton.js';
import { callRoutes } from './routes/calls.js';
import { jitsiRoutes } from './routes/jitsi.js';
import { meRoutes } from './routes/me.js';
import { opsRoutes } from './routes/ops.js';
import { orgRoutes } from './routes/orgs.js';
import { providerRoutes } from './routes/providers.js';
import { sessionRoutes } from './routes/session.js';
import { redeemTickets, sessionTicketRoutes } from './routes/sessionTicket.js';
import { popupOpenerPolicy } from './http/popupOpener.js';
import { clientAssetRoutes } from './web/clientAssets.js';
import { adminRoutes } from './routes/admin.js';
import { mountLocalMode, type LocalRouter } from './local/index.js';
import { createAssets } from './web/assets.js';
import { zoomRoutes } from './routes/zoom.js';
import type { Services } from './services.js';

/** Options of buildApp. */
export interface AppOptions {
  /** Routers mounted in local mode only, e.g. the provider simulators. */
  localRouters?: LocalRouter[];
  /** Where the built browser assets are; `dist/public` by default. */
  assetsDir?: string;
  /** Where the built browser client is; `client/dist` by default. */
  clientDir?: string;
}

/** Builds the Express app. */
export function buildApp(services: Services, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLog({ logger: services.logger, metrics: services.metrics }));
  app.use(
    helmet({
      // Pages set their own CSP with a nonce where they run a script.
      contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'frame-ancestors': ["'none'"] } },
      // The Zoom popup talks to its opener; same-origin-allow-popups keeps window.opener.
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      strictTransportSecurity: services.config.publicUrl.startsWith('https:'),
    }),
  );
  app.use(popupOpenerPolicy);
  app.use('/api', apiCors(services.config.hostOrigin), apiBody);
  app.use('/calls', redeemTickets(services));

  app.use(opsRoutes(services));
  app.use(sessionRoutes(services));
  app.use(sessionTicketRoutes(services));
  app.use(clientAssetRoutes(options.clientDir));
  app.use(providerRoutes(services));
  app.use(orgRoutes(services));
  app.use(callRoutes(services));
  app.use(meRoutes(services));
  app.use(jitsiRoutes(services));
  app.use(bigBlueButtonRoutes(services));
  app.use(zoomRoutes(services));

  const assets = createAssets(options.assetsDir);
  app.use(assets.router);
  app.use(adminRoutes(services, assets));
  mountLocalMode(app, services, { assets, extraRouters: options.localRouters ?? [] });

  app.use((req, _res, next) => {
    next(new CallgateError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });
  app.use(
    errorMiddleware({
      logger: services.logger,
      loginUrl: services.config.loginUrl,
      publicUrl: services.config.publicUrl,
    }),
  );
  return app;
}
