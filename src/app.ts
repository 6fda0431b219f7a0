/**
 * buildApp(services): middleware and the route table, no listening, so tests start it on
 * port 0 in-process and main.ts listens separately.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import { CallgateError } from './errors.js';
import { apiBody } from './http/bodyGuard.js';
import { apiCors } from './http/cors.js';
import { errorMiddleware } from './http/errorMiddleware.js';
import type { RouteEntry } from './http/route.js';
import { routeTableRouter } from './http/routeTable.js';
import { requestLog } from './http/requestLog.js';
import { demoRoutes } from './local/demo.js';
import { mountLocalRouters, type LocalRouter } from './local/index.js';
import { buildOpenApi } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import { callRoutes } from './routes/calls.js';
import { opsRoutes } from './routes/ops.js';
import { orgRoutes } from './routes/orgs.js';
import { providerRoutes } from './routes/providers.js';
import { sessionRoutes } from './routes/session.js';
import { redeemTickets, sessionTicketRoutes } from './routes/sessionTicket.js';
import { popupOpenerPolicy } from './http/popupOpener.js';
import { clientAssetRoutes } from './web/clientAssets.js';
import type { Services } from './services.js';
import { createAssets, type Assets } from './web/assets.js';

/** Options of buildApp. */
export interface AppOptions {
  /** Routers mounted in local mode only, e.g. the provider simulators. */
  localRouters?: LocalRouter[];
  /** Where the built browser assets are; `dist/public` by default. */
  assetsDir?: string;
  /** Where the built browser client is; `client/dist` by default. */
  clientDir?: string;
}

/** Every route the app serves: the core's and the provider modules', one table. */
export function appRoutes(services: Services, assets: Assets, options: { clientDir?: string } = {}): RouteEntry[] {
  const routes: RouteEntry[] = [];
  let openapi: Record<string, unknown> | undefined;
  routes.push(
    ...opsRoutes(services, () => (openapi ??= buildOpenApi(routes, services.config.publicUrl))),
    ...sessionRoutes(services),
    ...sessionTicketRoutes(services),
    ...clientAssetRoutes(options.clientDir),
    ...providerRoutes(services),
    ...orgRoutes(services),
    ...callRoutes(services),
    ...services.providerRoutes,
    ...adminRoutes(assets, services.pageTokens),
    ...demoRoutes(services, assets),
  );
  return routes;
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
      // Authorization popups talk to their opener; same-origin-allow-popups keeps window.opener.
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      strictTransportSecurity: services.config.publicUrl.startsWith('https:'),
    }),
  );
  app.use(popupOpenerPolicy);
  app.use('/api', apiCors(services.config.hostOrigin), apiBody);
  app.use('/calls', redeemTickets(services));

  const assets = createAssets(options.assetsDir);
  app.use(assets.router);
  const routes = appRoutes(services, assets, { ...(options.clientDir ? { clientDir: options.clientDir } : {}) });
  app.use(
    routeTableRouter(routes, {
      verifier: services.verifier,
      pageTokens: services.pageTokens,
      mode: services.config.mode,
    }),
  );
  mountLocalRouters(app, services.config.mode, options.localRouters ?? []);

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
