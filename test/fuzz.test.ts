/**
 * Property-based fuzz (fast-check) of every JSON route and query parameter: whatever arrives,
 * the answer is a SPEC error or success — never a 5xx, never a secret, and the process lives.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';

let app: TestApp;
let secrets: string[];
beforeAll(async () => {
  app = await startApp({ env: { CALLS_PER_MINUTE: '0' } });
  secrets = Object.values(TEST_SECRETS);
});
afterAll(async () => app.close());

const ROUTES: Array<{ method: string; path: string }> = [
  { method: 'POST', path: '/api/v1/calls' },
  { method: 'PATCH', path: '/api/v1/orgs/acme/settings' },
  { method: 'GET', path: '/api/v1/orgs/acme/settings' },
  { method: 'GET', path: '/api/v1/orgs/acme/audit-log' },
  { method: 'GET', path: '/api/v1/orgs/acme/calls/stats' },
  { method: 'POST', path: '/api/v1/orgs/acme/providers/jitsi_meet/check' },
  { method: 'GET', path: '/api/v1/providers' },
  { method: 'POST', path: '/api/v1/session' },
  { method: 'GET', path: '/api/v1/me' },
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const fieldValue = fc.oneof(
  jsonValue,
  fc.constantFrom('jitsi_meet', 'zoom', 'disabled', 'default', 'https://x.example', 'javascript:alert(1)', ''),
  fc.string({ maxLength: 300 }),
);
const body = fc.oneof(
  jsonValue,
  fc.record(
    {
      is_video_call: fieldValue,
      meeting_name: fieldValue,
      video_chat_provider: fieldValue,
      jitsi_server_url: fieldValue,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 20 }), fieldValue, { maxKeys: 4 }),
);
const query = fc.dictionary(
  fc.constantFrom('limit', 'before', 'days', 'x', '__proto__', 'constructor'),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
  { maxKeys: 3 },
);

function assertSafe(status: number, text: string): void {
  expect(status).toBeLessThan(500);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
}

describe('fuzz', () => {
  test('when any JSON body hits any route, then no 5xx, no secret, no stack', async () => {
    const token = app.token({ role: 'owner' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, value) => {
        if (route.method === 'GET') return;
        const res = await api(app, route.method, route.path, { token, body: value });
        assertSafe(res.status, res.text);
        if (res.status >= 400) expect(res.body).toMatchObject({ result: 'error', code: expect.any(String) });
      }),
      { numRuns: 300 },
    );
  });

  test('when any query string hits any route, then no 5xx', async () => {
    const token = app.token({ role: 'admin' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), query, async (route, params) => {
        const search = new URLSearchParams(params).toString();
        const res = await api(app, route.method, `${route.path}?${search}`, { token });
        assertSafe(res.status, res.text);
      }),
      { numRuns: 200 },
    );
  });

  test('when raw bytes are sent as JSON, then 400 or 413 and never a crash', async () => {
    const token = app.token();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        const res = await api(app, 'POST', '/api/v1/calls', {
          token,
          rawBody: raw,
          headers: { 'content-type': 'application/json' },
        });
        assertSafe(res.status, res.text);
      }),
      { numRuns: 200 },
    );
    expect((await api(app, 'GET', '/healthz')).status).toBe(200);
  });

  test('when path parameters are arbitrary, then no 5xx', async () => {
    const token = app.token({ role: 'owner' });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (org, id) => {
          const res = await api(
            app,
            'POST',
            `/api/v1/orgs/${encodeURIComponent(org)}/providers/${encodeURIComponent(id)}/check`,
            { token },
          );
          assertSafe(res.status, res.text);
        },
      ),
      { numRuns: 150 },
    );
  });
});
