/** `GET /openapi.json` is generated from the route table: every served route documented, every documented one served. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { appRoutes, buildApp, type App } from '../src/app.js';
import type { RouteEntry } from '../src/http/route.js';
import { createAssets } from '../src/web/assets.js';
import { api, startApp, type TestApp } from './support/app.js';

let app: TestApp;
let ROUTES: RouteEntry[];
beforeAll(async () => {
  app = await startApp({ env: { HOST_ORIGIN: 'https://chat.example.com' } });
  ROUTES = appRoutes(app.services, createAssets());
});
afterAll(async () => app.close());

/** Method and Express path of every route an app serves: the JSON API's and those on Express, nested routers included. */
function servedRoutes(app: App): string[] {
  const served: string[] = [...app.api.served];
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) served.push(`${method} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app.express as unknown as { router: { stack: Layer[] } }).router.stack);
  return served;
}

describe('OpenAPI', () => {
  test('when /openapi.json is read, then it is OpenAPI 3.1 and documents every route in the table', async () => {
    const doc = (await api(app, 'GET', '/openapi.json')).body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method]).toBeDefined();
  });

  test('when every documented route is called, then none is missing from the app (no 404 NOT_FOUND for a route)', async () => {
    for (const route of ROUTES) {
      const path = route.path.replace('{org}', 'acme').replace('{id}', 'jitsi_meet');
      const res = await fetch(`${app.url}${path}`, { method: route.method.toUpperCase(), redirect: 'manual' });
      const body = await res.text();
      // Local-mode routes must be absent in production.
      expect([route.method, route.path, body.includes('No route for')]).toEqual([
        route.method,
        route.path,
        route.localOnly === true,
      ]);
    }
  });

  test.each(['production', 'local'] as const)(
    'when the %s app is built, then every route it serves is documented, and every documented one is served there',
    async (mode) => {
      const services = { ...app.services, config: { ...app.services.config, mode } };
      const served = servedRoutes(buildApp(services)).sort();
      const doc = (await api(app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const documented = Object.entries(doc.paths)
        .flatMap(([path, operations]) =>
          Object.entries(operations)
            .filter(([, operation]) => mode === 'local' || !(operation as Record<string, unknown>)['x-local-only'])
            .map(([method]) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
        )
        .sort();
      expect(served).toEqual(documented);
      expect(served.length).toBeGreaterThan(15);
    },
  );

  test('when a route has schemas, then the document carries them, generated from zod', async () => {
    const doc = (await api(app, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown; responses: unknown }>>;
    };
    const createCall = doc.paths['/api/v1/calls']?.['post'];
    expect(createCall?.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: {
            type: 'object',
            additionalProperties: false,
            properties: { is_video_call: { type: 'boolean' }, meeting_name: { type: 'string', maxLength: 200 } },
          },
        },
      },
    });
    const providers = doc.paths['/api/v1/providers']?.['get']?.responses as Record<string, unknown>;
    expect(JSON.stringify(providers['200'])).toContain('"big_blue_button"');
    expect(doc.paths['/api/v1/orgs/{org}/audit-log']?.['get']?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'org', in: 'path', required: true }),
        expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      ]),
    );
  });
});
