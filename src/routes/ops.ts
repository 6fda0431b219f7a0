/** Operations endpoints (SPEC §7): liveness, readiness, metrics, OpenAPI and its readable page. */
import { z } from 'zod';
import { defineRoute, type RouteEntry } from '../http/route.js';
import type { Services } from '../services.js';
import { renderDocsPage } from '../web/docsPage.js';
import { FAVICON_PNG } from '../web/favicon.js';

const READY_TIMEOUT_MS = 2000;

/** Routes for operators; `openapi` renders the document of every route (built once, on first use). */
export function opsRoutes(services: Services, openapi: () => Record<string, unknown>): RouteEntry[] {
  let docs: string | undefined;
  const status = z.object({ status: z.string(), database: z.string().optional() });
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Process is alive',
      auth: 'none',
      success: { status: 200, schema: status, raw: true },
      handle: () => ({ kind: 'json', body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      summary: 'Database is reachable',
      auth: 'none',
      success: { status: 200, schema: status, raw: true },
      errors: [503],
      async handle() {
        try {
          await withTimeout(services.store.ping(), READY_TIMEOUT_MS);
          return { kind: 'json', body: { status: 'ok', database: services.store.kind } };
        } catch (error) {
          services.logger.warn({ err: error }, 'readiness check failed');
          return { kind: 'json', status: 503, body: { status: 'unavailable', database: services.store.kind } };
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      auth: 'none',
      success: { status: 200, description: 'Prometheus text format' },
      async handle() {
        const body = await services.metrics.registry.metrics();
        return { kind: 'text', contentType: services.metrics.registry.contentType, body };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This document',
      auth: 'none',
      success: { status: 200, description: 'OpenAPI 3.1 document' },
      handle: () => ({ kind: 'json', body: openapi() }),
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      summary: 'This API reference as a readable page',
      auth: 'none',
      success: { status: 200, description: 'HTML page generated from /openapi.json' },
      handle: () => ({ kind: 'html', html: (docs ??= renderDocsPage(openapi())) }),
    }),
    defineRoute({
      method: 'get',
      path: '/favicon.ico',
      summary: 'The site icon (PNG), which browsers ask for on every page',
      auth: 'none',
      success: { status: 200, description: 'PNG image' },
      handle: () => ({
        kind: 'text',
        body: FAVICON_PNG,
        contentType: 'image/png',
        headers: { 'Cache-Control': 'public, max-age=86400' },
      }),
    }),
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
