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
import { callRoutes } from './routes/calls.js';
import { meRoutes } from './routes/me.js';
import { opsRoutes } from './routes/ops.js';
import { orgRoutes } from './routes/orgs.js';
import { providerRoutes } from './routes/providers.js';
import { sessionRoutes } from './routes/session.js';
import { zoomRoutes } from './routes/zoom.js';
import type { Services } from './services.js';

/** Builds the Express app. */
export function buildApp(services: Services): Express {
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
  app.use('/api', apiCors(services.config.hostOrigin), apiBody);

  app.use(opsRoutes(services));
  app.use(sessionRoutes(services));
  app.use(providerRoutes(services));
  app.use(orgRoutes(services));
  app.use(callRoutes(services));
  app.use(meRoutes(services));
  app.use(zoomRoutes(services));

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
