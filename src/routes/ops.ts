/** Operations endpoints (SPEC §7): liveness, readiness, metrics, OpenAPI. */
import { z } from 'zod';
import { defineRoute, type RouteEntry } from '../http/route.js';
import type { Services } from '../services.js';

const READY_TIMEOUT_MS = 2000;

/** Routes for operators; `openapi` renders the document of every route (built once, on first use). */
export function opsRoutes(services: Services, openapi: () => Record<string, unknown>): RouteEntry[] {
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
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
