/**
 * The JSON API is served on node:http (src/http/api.ts), everything else on Express: these
 * pin down that an API answer looks as the Express pipeline made it — headers, routing
 * rules, errors, logs and metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { api, startApp, type TestApp } from './support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { HOST_ORIGIN: 'https://chat.example.com' } });
});
afterAll(async () => app.close());

/** Helmet's headers, as a page served by Express carries them. */
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('the JSON API beside Express', () => {
  test('when an API route and an Express route answer, then both carry the same security headers', async () => {
    const page = await fetch(`${app.url}/healthz`);
    for (const res of [
      await api(app, 'GET', '/api/v1/providers', { token: app.token() }),
      await api(app, 'GET', '/api/v1/nope'),
      await api(app, 'POST', '/api/v1/calls', { token: app.token() }),
    ]) {
      for (const name of SECURITY_HEADERS) {
        expect([name, res.headers.get(name)]).toEqual([name, page.headers.get(name)]);
        expect(res.headers.get(name)).not.toBeNull();
      }
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
    }
  });

  test('when a path has a trailing slash or other letter case, then it is routed as Express routes it', async () => {
    for (const path of ['/api/v1/providers/', '/API/V1/Providers']) {
      const res = await api(app, 'GET', path, { token: app.token() });
      expect([path, res.status, res.body['result']]).toEqual([path, 200, 'success']);
    }
    expect((await api(app, 'GET', '/api/v1/providers//', { token: app.token() })).status).toBe(404);
  });

  test('when HEAD asks for a GET route, then its headers come without a body', async () => {
    const res = await fetch(`${app.url}/api/v1/providers`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${app.token()}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('');
  });

  test('when OPTIONS is not a CORS preflight, then 204 lists the methods of the path, and 404 for an unknown one', async () => {
    const res = await fetch(`${app.url}/api/v1/orgs/acme/settings`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${app.url}/api/v1/nope`, { method: 'OPTIONS' })).status).toBe(404);
  });

  test('when a method is not served on a path, then 404 NOT_FOUND naming the method and path', async () => {
    const res = await api(app, 'DELETE', '/api/v1/providers', { token: app.token() });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      result: 'error',
      code: 'NOT_FOUND',
      msg: 'No route for DELETE /api/v1/providers',
    });
  });

  test('when a path parameter has a malformed escape, then 400 naming the path, and nothing changes', async () => {
    const admin = app.token({ role: 'admin' });
    const res = await api(app, 'PATCH', '/api/v1/orgs/%E0%A4%A/settings', {
      token: admin,
      body: { video_chat_provider: 'disabled' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', field: 'path' });
    const decoded = await api(app, 'GET', '/api/v1/orgs/%61cme/settings', { token: admin });
    expect(decoded.status).toBe(200);
    expect(decoded.body['video_chat_provider']).toBe('jitsi_meet');
  });

  test('when the body breaks a rule on an unknown API path, then the body rule answers first, as before', async () => {
    const big = await api(app, 'POST', '/api/v1/nope', {
      rawBody: JSON.stringify({ pad: 'x'.repeat(20_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    const text = await api(app, 'POST', '/api/v1/nope', { rawBody: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
  });

  test('when API requests finish, then each is logged by path without its query and measured by route pattern', async () => {
    const admin = app.token({ role: 'admin' });
    await api(app, 'GET', '/api/v1/orgs/acme/audit-log?limit=5', { token: admin });
    await api(app, 'GET', '/api/v1/nope?token=secret');
    const lines = app.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request', method: 'GET', path: '/api/v1/orgs/acme/audit-log', status: 200 }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', path: '/api/v1/nope', status: 404 }));
    expect(app.logs.join('\n')).not.toContain('secret');
    const metrics = (await api(app, 'GET', '/metrics')).text;
    expect(metrics).toMatch(
      /callgate_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/orgs\/:org\/audit-log",status="200"\} [1-9]/,
    );
    expect(metrics).toMatch(/route="unmatched",status="404"\} [1-9]/);
  });

  test('when a query is given to an API route, then it is parsed as Express parsed it', async () => {
    const admin = app.token({ role: 'admin' });
    const res = await api(app, 'GET', '/api/v1/orgs/acme/audit-log?limit=nope', { token: admin });
    expect(res.status).toBe(400);
    expect(String(res.body['msg'])).toContain('limit');
  });
});
