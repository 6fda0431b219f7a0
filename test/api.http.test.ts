/** Cross-cutting HTTP behaviour: body rules, CORS, security headers, ops endpoints (OpenAPI: openapi.test.ts). */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { api, startApp, type TestApp } from './support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { HOST_ORIGIN: 'https://chat.example.com' } });
});
afterAll(async () => app.close());

describe('POST /api/v1/calls input', () => {
  test.each([
    [{ is_video_call: 'yes' }, 'is_video_call'],
    [{ is_video_call: 1 }, 'is_video_call'],
    [{ meeting_name: '' }, 'meeting_name'],
    [{ meeting_name: '   ' }, 'meeting_name'],
    [{ meeting_name: 'x'.repeat(201) }, 'meeting_name'],
    [{ meeting_name: 12 }, 'meeting_name'],
    [{ provider: 'zoom' }, 'provider'],
    [[], 'body'],
    [null, 'body'],
  ])('when the body is %j, then 400 naming %s and no call is recorded', async (body, field) => {
    const res = await api(app, 'POST', '/api/v1/calls', {
      token: app.token({ org: 'input' }),
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'error', code: 'BAD_REQUEST' });
    expect(String(res.body['msg'])).toContain(field);
    expect(await app.store.callRecords.countByDay('input', { since: 0 })).toEqual([]);
  });

  test('when the meeting name is 200 characters, then it is accepted', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', {
      token: app.token(),
      body: { meeting_name: 'x'.repeat(200) },
    });
    expect(res.status).toBe(200);
  });

  test('when the body is not JSON, then 400', async () => {
    const broken = await api(app, 'POST', '/api/v1/calls', {
      token: app.token(),
      rawBody: '{"is_video_call":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ code: 'BAD_REQUEST' });
    const text = await api(app, 'POST', '/api/v1/calls', {
      token: app.token(),
      rawBody: 'is_video_call=true',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(400);
    expect(String(text.body['msg'])).toMatch(/JSON/);
  });

  test('when the body is over 16 KiB, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', {
      token: app.token({ org: 'big' }),
      body: { meeting_name: 'x'.repeat(17 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ result: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect(await app.store.callRecords.countByDay('big', { since: 0 })).toEqual([]);
  });

  test('when no body is sent, then defaults apply: a video call', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token() });
    expect(res.status).toBe(200);
    expect(res.body['is_video_call']).toBe(true);
  });
});

describe('CORS', () => {
  test('when HOST_ORIGIN preflights, then only Authorization and Content-Type are granted, without credentials', async () => {
    const res = await fetch(`${app.url}/api/v1/calls`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://chat.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('when another origin asks, then no CORS grant is given', async () => {
    const res = await fetch(`${app.url}/api/v1/providers`, {
      headers: { origin: 'https://evil.example.com', authorization: `Bearer ${app.token()}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${app.url}/api/v1/calls`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('responses', () => {
  test('when any route answers, then security headers are set and no framework is advertised', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('when a route does not exist, then 404 NOT_FOUND as JSON, and as an HTML page under /calls/', async () => {
    const res = await api(app, 'GET', '/api/v1/nope', { token: app.token() });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ result: 'error', code: 'NOT_FOUND' });
    const page = await fetch(`${app.url}/calls/nope`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('No route for GET /calls/nope');
  });

  test('when an error page echoes the path, then no markup from it is rendered', async () => {
    const page = await fetch(`${app.url}/calls/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    const html = await page.text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('%3Cscript%3E');
  });
});

describe('operations', () => {
  test('when /healthz and /readyz are asked, then both are ok', async () => {
    expect((await api(app, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api(app, 'GET', '/readyz')).body).toEqual({ status: 'ok', database: 'sqlite' });
  });

  test('when calls were created, then /metrics counts them by provider and request durations by route', async () => {
    await api(app, 'POST', '/api/v1/calls', { token: app.token() });
    const text = (await api(app, 'GET', '/metrics')).text;
    expect(text).toMatch(/callgate_calls_created_total\{provider="jitsi_meet"\} [1-9]/);
    expect(text).toMatch(
      /callgate_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/calls",status="200"\} [1-9]/,
    );
    expect(text).toContain('callgate_provider_errors_total');
  });

  test('when the database is gone, then /readyz answers 503 while /healthz stays ok', async () => {
    const doomed = await startApp();
    await doomed.store.close();
    expect((await api(doomed, 'GET', '/readyz')).status).toBe(503);
    expect((await api(doomed, 'GET', '/healthz')).status).toBe(200);
    const call = await api(doomed, 'POST', '/api/v1/calls', { token: doomed.token() });
    expect(call.status).toBe(500);
    expect(call.body).toEqual({ result: 'error', msg: 'Internal server error', code: 'INTERNAL' });
    expect(call.text).not.toMatch(/at .*\.ts|sqlite|stack/i);
    doomed.store.close = async () => undefined;
    await doomed.close();
  });
});
