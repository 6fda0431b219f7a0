/** Operations endpoints (SPEC §7): liveness, readiness, metrics, OpenAPI. */
import { Router } from 'express';
import { buildOpenApi } from '../openapi.js';
import { renderDocsPage } from '../web/docsPage.js';
import type { Services } from '../services.js';

const READY_TIMEOUT_MS = 2000;

/** Routes for operators. */
export function opsRoutes(services: Services): Router {
  const router = Router();
  const openapi = buildOpenApi(services.config.publicUrl);
  const docs = renderDocsPage(openapi);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(services.store.ping(), READY_TIMEOUT_MS);
      res.json({ status: 'ok', database: services.store.kind });
    } catch (error) {
      services.logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', database: services.store.kind });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(docs);
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
