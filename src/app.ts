/**
 * buildApp(services): the request listener — the JSON API on node:http (`http/api.ts`),
 * everything else on Express — with no listening, so tests start it on port 0 in-process
 * and main.ts listens separately.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { CallgateError } from './errors.js';
import { createApiHandler, isApiPath, type ApiHandler } from './http/api.js';
import { errorMiddleware } from './http/errorMiddleware.js';
import type { RouteEntry } from './http/route.js';
import { routeTableRouter, servedEntries } from './http/routeTable.js';
import { requestLog } from './http/requestLog.js';
import { headersMiddleware, securityHeaders, type HeaderList } from './http/securityHeaders.js';
import { demoRoutes } from './local/demo.js';
import { mountLocalRouters, type LocalRouter } from './local/index.js';
import { buildOpenApi } from './openapi.js';
import { adminRoutes, chatUrlOf } from './routes/admin.js';
import { callRoutes } from './routes/calls.js';
import { opsRoutes } from './routes/ops.js';
import { orgCredentialRoutes } from './routes/orgCredentials.js';
import { orgRoutes } from './routes/orgs.js';
import { providerRoutes } from './routes/providers.js';
import { sessionRoutes } from './routes/session.js';
import { redeemTickets, sessionTicketRoutes } from './routes/sessionTicket.js';
import { popupOpenerPolicy } from './http/popupOpener.js';
import { clientAssetRoutes } from './web/clientAssets.js';
import type { Services } from './services.js';
import { createAssets, type Assets } from './web/assets.js';
import type { CredentialsSectionProvider } from './web/credentialsSection.js';

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
    ...orgCredentialRoutes(services),
    ...callRoutes(services),
    ...services.providerRoutes,
    ...adminRoutes(assets, services.pageTokens, services.config, credentialFormProviders(services)),
    ...demoRoutes(services, assets),
  );
  return routes;
}

/** Providers whose organization credentials the admin page offers (none when the feature is off). */
function credentialFormProviders(services: Services): CredentialsSectionProvider[] {
  const credentials = services.orgCredentials;
  if (!credentials) return [];
  return credentials
    .providerIds()
    .map((id) => ({ id, name: services.registry.get(id).name, spec: credentials.spec(id) }));
}

/** The request listener, with its two halves: the JSON API and the Express app of everything else. */
export interface App {
  (req: IncomingMessage, res: ServerResponse): void;
  api: ApiHandler;
  express: Express;
}

/** Builds the request listener. */
export function buildApp(services: Services, options: AppOptions = {}): App {
  const assets = createAssets(options.assetsDir);
  const routes = servedEntries(
    appRoutes(services, assets, { ...(options.clientDir ? { clientDir: options.clientDir } : {}) }),
    services.config.mode,
  );
  const headers = securityHeaders({ https: services.config.publicUrl.startsWith('https:') });
  const api = createApiHandler(
    routes.filter((route) => isApiPath(route.path)),
    {
      verifier: services.verifier,
      pageTokens: services.pageTokens,
      securityHeaders: headers,
      hostOrigin: services.config.hostOrigin,
      logger: services.logger,
      metrics: services.metrics,
    },
  );
  const app = expressApp(
    services,
    routes.filter((route) => !isApiPath(route.path)),
    assets,
    headers,
    options,
  );
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (!api.handle(req, res)) app(req, res);
  };
  return Object.assign(listener, { api, express: app });
}

/** The Express app: pages, popups, webhooks, assets and local mode's simulators. */
function expressApp(
  services: Services,
  routes: RouteEntry[],
  assets: Assets,
  headers: HeaderList,
  options: AppOptions,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLog({ logger: services.logger, metrics: services.metrics }));
  app.use(headersMiddleware(headers));
  app.use(popupOpenerPolicy);
  app.use('/calls', redeemTickets(services));
  app.use(assets.router);
  app.use(
    routeTableRouter(routes, {
      verifier: services.verifier,
      pageTokens: services.pageTokens,
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
      chatUrl: chatUrlOf(services.config),
      demo: services.config.mode === 'local',
    }),
  );
  return app;
}
