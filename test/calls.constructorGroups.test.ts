/**
 * Constructor Groups at the HTTP level (SPEC §4a): the real app on a real database, the
 * simulator on 127.0.0.1 checking the hashed Bearer key as the service does, and every
 * failure class of the create-call endpoint and of the admin's connection check.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { SimFault } from '../src/local/simulators/jsonApiFaults.js';
import {
  startConstructorGroupsSimulator,
  type RunningConstructorSimulator,
} from '../src/providers/constructorGroups/simulator.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

const ACCESS_KEY = 'cg-ak-4d1e9b';
const SECRET_KEY = 'cg-sk-8f3a61c2d7e0';
const DIGEST = createHash('sha256').update(`${ACCESS_KEY}|${SECRET_KEY}`).digest('hex');
// Generous, so a loaded machine never turns a normal answer into a timeout; the hang test
// uses its own app with a short deadline.
const TIMEOUT_MS = 2000;
const SHORT_TIMEOUT_MS = 200;

/** What no answer or log line may contain. */
function expectNothingLeaked(text: string): void {
  for (const secret of [...Object.values(TEST_SECRETS), SECRET_KEY, DIGEST]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/Bearer |\bat [\w.<>]+ \(|node_modules/);
}

async function startConstructorApp(
  db: 'sqlite' | 'postgres',
  url: string,
  options: { timeoutMs?: number; secretKey?: string } = {},
): Promise<TestApp> {
  const app = await startApp({
    db,
    env: { CONSTRUCTOR_GROUPS_URL: url, UPSTREAM_TIMEOUT_MS: String(options.timeoutMs ?? TIMEOUT_MS) },
    secrets: {
      constructor_groups_access_key: ACCESS_KEY,
      constructor_groups_secret_key: options.secretKey ?? SECRET_KEY,
    },
  });
  const res = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
    token: app.token({ userId: 'admin-1', role: 'admin' }),
    body: { video_chat_provider: 'constructor_groups' },
  });
  expect(res.status).toBe(200);
  return app;
}

/** A server that only counts requests: where a redirect points, to prove it is not followed. */
async function startCountingServer(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"url":"https://elsewhere.example/"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(kinds)('Constructor Groups calls (%s)', (db) => {
  let cg: RunningConstructorSimulator;
  let app: TestApp;
  beforeAll(async () => {
    cg = await startConstructorGroupsSimulator({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
    app = await startConstructorApp(db, cg.url);
  });
  afterAll(async () => {
    await app.close();
    await cg.close();
  });
  beforeEach(() => cg.sim.state.reset());

  test('when a member creates a call, then the hashed key asks for their room and its url is answered', async () => {
    const token = app.token({ userId: '42', name: 'Ada Lovelace', email: 'ada@acme.example' });
    const res = await api(app, 'POST', '/api/v1/calls', { token, body: { meeting_name: 'general > standup' } });
    expect(res.status).toBe(200);
    const room = cg.sim.state.rooms.get('ada@acme.example');
    expect(res.body).toEqual({
      result: 'success',
      msg: '',
      provider: 'constructor_groups',
      url: `${cg.url}groups/room/${room?.id}`,
      is_video_call: true,
    });
    expect(cg.sim.state.requests).toEqual([
      {
        endpoint: 'room',
        authorized: true,
        body: {
          creator_email: 'ada@acme.example',
          name: 'general > standup',
          fallback_name: 'Ada Lovelace (acme-42)',
        },
      },
    ]);
    expect((await fetch(String(res.body['url']))).status).toBe(200);
  });

  test('when the same member calls again, then the same room (get-or-create), one request each', async () => {
    const token = app.token({ email: 'grace@acme.example' });
    const first = await api(app, 'POST', '/api/v1/calls', { token, body: {} });
    const second = await api(app, 'POST', '/api/v1/calls', { token, body: { meeting_name: 'retro' } });
    expect(second.body['url']).toBe(first.body['url']);
    expect(cg.sim.state.requestsOf('room')).toHaveLength(2);
  });

  test('when a voice call is asked for, then the ordinary room is answered with is_video_call true', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: { is_video_call: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'constructor_groups', is_video_call: true });
  });

  test('when the caller has no email, then 400 naming it and no request to Constructor Groups', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token({ email: '' }), body: {} });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST' });
    expect(String(res.body['msg'])).toMatch(/^email: /);
    expect(cg.sim.state.requests).toHaveLength(0);
  });

  test('when providers are listed, then Constructor Groups is available and cannot start voice-only', async () => {
    const res = await api(app, 'GET', '/api/v1/providers', { token: app.token() });
    expect(res.body['providers']).toEqual(
      expect.arrayContaining([
        {
          id: 'constructor_groups',
          name: 'Constructor Groups',
          available: true,
          capabilities: { voice_only: false, requires_user_authorization: false },
        },
      ]),
    );
  });

  describe.each<{ name: string; fault: SimFault; status: number; code: string; msg: string; retryAfter?: string }>([
    {
      name: 'refuses the key (401)',
      fault: { kind: 'status', status: 401, contentType: 'application/json', body: '{"detail":"Invalid API key"}' },
      status: 502,
      code: 'PROVIDER_AUTH_FAILED',
      msg: 'Invalid Constructor Groups credentials',
    },
    {
      name: 'forbids the key (403)',
      fault: { kind: 'status', status: 403, contentType: 'application/json', body: '{"detail":"Forbidden"}' },
      status: 502,
      code: 'PROVIDER_AUTH_FAILED',
      msg: 'Invalid Constructor Groups credentials',
    },
    {
      name: 'refuses the request in its JSON (409)',
      fault: { kind: 'status', status: 409, contentType: 'application/json', body: '{"detail":"room limit reached"}' },
      status: 502,
      code: 'PROVIDER_ERROR',
      msg: 'Failed to create Constructor Groups call',
    },
    {
      name: 'rate-limits with Retry-After',
      fault: { kind: 'rate_limited', retryAfter: '23' },
      status: 429,
      code: 'RATE_LIMITED',
      msg: 'Constructor Groups is rate-limiting requests; try again later',
      retryAfter: '23',
    },
    {
      name: 'rate-limits without Retry-After',
      fault: { kind: 'rate_limited' },
      status: 429,
      code: 'RATE_LIMITED',
      msg: 'Constructor Groups is rate-limiting requests; try again later',
      retryAfter: '60',
    },
    ...[500, 502, 503].map((status) => ({
      name: `answers ${status} with an HTML page`,
      fault: { kind: 'html', status } as const,
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: `Error connecting to the Constructor Groups server: HTTP ${status}: <!DOCTYPE html>`,
    })),
    {
      name: 'answers 200 with garbled JSON',
      fault: { kind: 'garbled' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Constructor Groups server: HTTP 200: {"result": "ok"',
    },
    {
      name: 'answers 200 without a url',
      fault: { kind: 'status', status: 200, contentType: 'application/json', body: '{"id":"r1"}' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Constructor Groups server: HTTP 200: {"id":"r1"}',
    },
    {
      name: 'drops the connection in the middle of the JSON',
      fault: { kind: 'truncated' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Constructor Groups server: the answer was cut off',
    },
    {
      name: 'redirects to itself',
      fault: { kind: 'redirect' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Constructor Groups server: HTTP 302',
    },
  ])('when Constructor Groups $name', (row) => {
    test(`then ${row.status} ${row.code} after exactly one request, and nothing secret in the answer`, async () => {
      cg.sim.state.faults.inject(row.fault, { endpoint: 'room', times: 1 });
      const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
      expect(res.status).toBe(row.status);
      expect(res.body).toMatchObject({ result: 'error', code: row.code });
      expect(String(res.body['msg']).startsWith(row.msg)).toBe(true);
      expect(res.headers.get('retry-after')).toBe(row.retryAfter ?? null);
      expect(cg.sim.state.requestsOf('room')).toHaveLength(1);
      expectNothingLeaked(res.text);
    });
  });

  test('when Constructor Groups redirects elsewhere, then the redirect is not followed and the key goes nowhere else', async () => {
    const elsewhere = await startCountingServer();
    try {
      cg.sim.state.faults.inject(
        { kind: 'redirect', location: `${elsewhere.url}/steal` },
        { endpoint: 'room', times: 1 },
      );
      const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
      expect(res.status).toBe(502);
      expect(elsewhere.hits()).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  test('when the secret key is wrong, then the simulator refuses the hash and the answer is 502 Invalid credentials', async () => {
    const wrong = await startConstructorApp(db, cg.url, { secretKey: 'cg-sk-not-this-one' });
    try {
      const res = await api(wrong, 'POST', '/api/v1/calls', { token: wrong.token(), body: {} });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', msg: 'Invalid Constructor Groups credentials' });
      expect(cg.sim.state.requestsOf('room').map((request) => request.authorized)).toEqual([false]);
      expect(cg.sim.state.rooms.size).toBe(0);
    } finally {
      await wrong.close();
    }
  });

  describe('the connection check', () => {
    const check = async (target: TestApp = app) =>
      api(target, 'POST', '/api/v1/orgs/acme/providers/constructor_groups/check', {
        token: target.token({ userId: 'admin-1', role: 'admin' }),
      });

    test('when the key is accepted, then ok, and no room was created', async () => {
      expect((await check()).body).toEqual({ result: 'success', msg: '', status: 'ok' });
      expect(cg.sim.state.requests.map((request) => request.authorized)).toEqual([true]);
      expect(cg.sim.state.rooms.size).toBe(0);
    });

    test.each<{ name: string; fault: SimFault; reason: string }>([
      { name: 'refuses the key', fault: { kind: 'status', status: 401, body: '{}' }, reason: 'invalid_credentials' },
      { name: 'rate-limits', fault: { kind: 'rate_limited', retryAfter: '5' }, reason: 'rate_limited' },
      { name: 'answers 502 HTML', fault: { kind: 'html', status: 502 }, reason: 'unreachable' },
      { name: 'resets', fault: { kind: 'reset' }, reason: 'unreachable' },
      {
        name: 'redirects',
        fault: { kind: 'redirect', location: 'https://login.example.com/' },
        reason: 'unexpected_answer',
      },
      {
        name: 'answers 404 HTML',
        fault: { kind: 'status', status: 404, contentType: 'text/html', body: '<h1>nginx</h1>' },
        reason: 'unexpected_answer',
      },
    ])('when Constructor Groups $name, then failed with reason $reason and no upstream text', async (row) => {
      cg.sim.state.faults.inject(row.fault, { endpoint: 'room', times: 1 });
      const res = await check();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ result: 'success', status: 'failed', reason: row.reason });
      expect(String(res.body['detail'])).not.toMatch(/<|nginx|login\.example/);
      expectNothingLeaked(res.text);
    });

    test('when the secret key is wrong for real, then invalid_credentials', async () => {
      const wrong = await startConstructorApp(db, cg.url, { secretKey: 'cg-sk-not-this-one' });
      try {
        expect((await check(wrong)).body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
      } finally {
        await wrong.close();
      }
    });
  });

  test('no log line holds the secret key or its digest', () => {
    const logs = app.logs.join('\n');
    for (const secret of [SECRET_KEY, DIGEST]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/Bearer /);
  });
});

describe('Constructor Groups that never answers', () => {
  let cg: RunningConstructorSimulator;
  let app: TestApp;
  beforeAll(async () => {
    cg = await startConstructorGroupsSimulator({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
    app = await startConstructorApp('sqlite', cg.url, { timeoutMs: SHORT_TIMEOUT_MS });
  });
  afterAll(async () => {
    await app.close();
    await cg.close();
  });

  test('when the room request hangs, then 504 PROVIDER_TIMEOUT, once; the check says timeout', async () => {
    cg.sim.state.faults.inject({ kind: 'hang' }, { endpoint: 'room', times: 2 });
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      msg: `Error connecting to the Constructor Groups server: no answer within ${SHORT_TIMEOUT_MS} ms`,
    });
    expect(cg.sim.state.requestsOf('room')).toHaveLength(1);
    const checked = await api(app, 'POST', '/api/v1/orgs/acme/providers/constructor_groups/check', {
      token: app.token({ userId: 'admin-1', role: 'admin' }),
    });
    expect(checked.body).toMatchObject({ status: 'failed', reason: 'timeout' });
  });
});

describe('Constructor Groups without settings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({
      env: { CONSTRUCTOR_GROUPS_URL: 'https://groups.example.com/api/' },
      secrets: { constructor_groups_access_key: ACCESS_KEY },
    });
  });
  afterAll(async () => app.close());

  test('when the secret key is missing, then unavailable with the reason, and the check says not_configured', async () => {
    const listed = await api(app, 'GET', '/api/v1/providers', { token: app.token() });
    expect(listed.body['providers']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'constructor_groups',
          available: false,
          reason: 'Constructor Groups credentials have not been configured',
        }),
      ]),
    );
    const checked = await api(app, 'POST', '/api/v1/orgs/acme/providers/constructor_groups/check', {
      token: app.token({ userId: 'admin-1', role: 'admin' }),
    });
    expect(checked.body).toMatchObject({ status: 'failed', reason: 'not_configured' });
  });
});
