/**
 * Nextcloud Talk at the HTTP level (SPEC §4a): the real app on a real database, the
 * simulator on 127.0.0.1 checking what Nextcloud checks (Basic auth with the app password,
 * `OCS-APIRequest: true`), and every failure class of the create-call endpoint and of the
 * admin's connection check.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { SimFault } from '../src/local/simulators/jsonApiFaults.js';
import {
  startNextcloudTalkSimulator,
  type RunningNextcloudSimulator,
} from '../src/providers/nextcloudTalk/simulator.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

const USERNAME = 'callgate-bot';
const PASSWORD = 'Nc-app-pass-7Qz2-Lm9x-Rt41';
const BASIC = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64');
// Generous, so a loaded machine never turns a normal answer into a timeout; the hang tests
// use their own app with a short deadline.
const TIMEOUT_MS = 2000;
const SHORT_TIMEOUT_MS = 200;

/** What no answer or log line may contain. */
function expectNothingLeaked(text: string): void {
  for (const secret of [...Object.values(TEST_SECRETS), PASSWORD, BASIC]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8}|\bat [\w.<>]+ \(|node_modules/);
}

async function startNextcloudApp(
  db: 'sqlite' | 'postgres',
  server: string,
  options: { timeoutMs?: number; password?: string } = {},
): Promise<TestApp> {
  const app = await startApp({
    db,
    env: {
      NEXTCLOUD_SERVER: server,
      NEXTCLOUD_TALK_USERNAME: USERNAME,
      UPSTREAM_TIMEOUT_MS: String(options.timeoutMs ?? TIMEOUT_MS),
    },
    secrets: { nextcloud_talk_password: options.password ?? PASSWORD },
  });
  const res = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
    token: app.token({ userId: 'admin-1', role: 'admin' }),
    body: { video_chat_provider: 'nextcloud_talk' },
  });
  expect(res.status).toBe(200);
  return app;
}

/** A server that only counts requests: where a redirect points, to prove it is not followed. */
async function startCountingServer(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
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

describe.each(kinds)('Nextcloud Talk calls (%s)', (db) => {
  let nc: RunningNextcloudSimulator;
  let app: TestApp;
  beforeAll(async () => {
    nc = await startNextcloudTalkSimulator({ username: USERNAME, password: PASSWORD });
    app = await startNextcloudApp(db, nc.url);
  });
  afterAll(async () => {
    await app.close();
    await nc.close();
  });
  beforeEach(() => {
    nc.sim.state.reset();
    nc.sim.state.talkEnabled = true;
  });

  test('when a member creates a call, then a public conversation is created with Basic auth and OCS-APIRequest, and its link is answered', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', {
      token: app.token(),
      body: { meeting_name: 'general > standup' },
    });
    expect(res.status).toBe(200);
    const [room] = [...nc.sim.state.rooms.values()];
    expect(room).toMatchObject({ name: 'general > standup', type: 3, owner: USERNAME });
    expect(res.body).toEqual({
      result: 'success',
      msg: '',
      provider: 'nextcloud_talk',
      url: `${nc.url}index.php/call/${room?.token}`,
      is_video_call: true,
    });
    expect(nc.sim.state.requests).toEqual([
      {
        endpoint: 'room',
        authorized: true,
        ocsApiRequest: 'true',
        accept: 'application/json',
        body: { roomType: 3, roomName: 'general > standup' },
      },
    ]);
    expect((await fetch(String(res.body['url']))).status).toBe(200);
  });

  test('when the meeting name has quotes, a backslash, emoji and 200 characters, then Nextcloud gets it exactly', async () => {
    const name = `Ada's "retro" \\ — 🚀 ü ${'x'.repeat(200)}`.slice(0, 200);
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: { meeting_name: name } });
    expect(res.status).toBe(200);
    expect(nc.sim.state.requestsOf('room')[0]?.body).toEqual({ roomType: 3, roomName: name });
  });

  test('when a voice call is asked for, then the ordinary conversation is answered with is_video_call true', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: { is_video_call: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'nextcloud_talk', is_video_call: true });
    expect([...nc.sim.state.rooms.values()].map((room) => room.name)).toEqual(["User 42's meeting"]);
  });

  test('when providers are listed, then Nextcloud Talk is available, cannot start voice-only, and needs no user authorization', async () => {
    const res = await api(app, 'GET', '/api/v1/providers', { token: app.token() });
    expect(res.body['providers']).toEqual(
      expect.arrayContaining([
        {
          id: 'nextcloud_talk',
          name: 'Nextcloud Talk',
          available: true,
          capabilities: { voice_only: false, requires_user_authorization: false },
        },
      ]),
    );
  });

  describe.each<{ name: string; fault: SimFault; status: number; code: string; msg: string; retryAfter?: string }>([
    {
      name: 'refuses the app password (401)',
      fault: {
        kind: 'status',
        status: 401,
        contentType: 'application/json',
        body: '{"ocs":{"meta":{"status":"failure","statuscode":401,"message":"Current user is not logged in"},"data":[]}}',
      },
      status: 502,
      code: 'PROVIDER_AUTH_FAILED',
      msg: 'Invalid Nextcloud Talk credentials',
    },
    {
      name: 'forbids the account to create conversations (403, OCS)',
      fault: {
        kind: 'status',
        status: 403,
        contentType: 'application/json',
        body: '{"ocs":{"meta":{"status":"failure","statuscode":403,"message":""},"data":[]}}',
      },
      status: 502,
      code: 'PROVIDER_ERROR',
      msg: 'Failed to create Nextcloud Talk call',
    },
    {
      name: 'refuses the request (400, OCS)',
      fault: {
        kind: 'status',
        status: 400,
        contentType: 'application/json',
        body: '{"ocs":{"meta":{"status":"failure","statuscode":400,"message":""},"data":{"error":"name"}}}',
      },
      status: 502,
      code: 'PROVIDER_ERROR',
      msg: 'Failed to create Nextcloud Talk call',
    },
    {
      name: 'answers 403 with a proxy’s HTML page',
      fault: { kind: 'status', status: 403, contentType: 'text/html', body: '<h1>Forbidden by WAF</h1>' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Nextcloud Talk server: HTTP 403: <h1>Forbidden by WAF</h1>',
    },
    {
      name: 'rate-limits with Retry-After',
      fault: { kind: 'rate_limited', retryAfter: '17' },
      status: 429,
      code: 'RATE_LIMITED',
      msg: 'Nextcloud Talk is rate-limiting requests; try again later',
      retryAfter: '17',
    },
    {
      name: 'rate-limits without Retry-After',
      fault: { kind: 'rate_limited' },
      status: 429,
      code: 'RATE_LIMITED',
      msg: 'Nextcloud Talk is rate-limiting requests; try again later',
      retryAfter: '60',
    },
    ...[500, 502, 503].map((status) => ({
      name: `answers ${status} with an HTML page`,
      fault: { kind: 'html', status } as const,
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: `Error connecting to the Nextcloud Talk server: HTTP ${status}: <!DOCTYPE html>`,
    })),
    {
      name: 'answers 200 with garbled JSON',
      fault: { kind: 'garbled' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Nextcloud Talk server: HTTP 200: {"result": "ok"',
    },
    {
      name: 'drops the connection in the middle of the JSON',
      fault: { kind: 'truncated' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Nextcloud Talk server: the answer was cut off',
    },
    {
      name: 'resets the connection',
      fault: { kind: 'reset' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Nextcloud Talk server: connection reset',
    },
    {
      name: 'redirects to itself',
      fault: { kind: 'redirect' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: 'Error connecting to the Nextcloud Talk server: HTTP 302',
    },
  ])('when Nextcloud $name', (row) => {
    test(`then ${row.status} ${row.code} after exactly one request, and nothing secret in the answer`, async () => {
      nc.sim.state.faults.inject(row.fault, { endpoint: 'room', times: 1 });
      const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
      expect(res.status).toBe(row.status);
      expect(res.body).toMatchObject({ result: 'error', code: row.code });
      expect(String(res.body['msg']).startsWith(row.msg)).toBe(true);
      expect(res.headers.get('retry-after')).toBe(row.retryAfter ?? null);
      expect(nc.sim.state.requestsOf('room')).toHaveLength(1);
      expectNothingLeaked(res.text);
    });
  });

  test('when Nextcloud redirects elsewhere, then the redirect is not followed and the password goes nowhere else', async () => {
    const elsewhere = await startCountingServer();
    try {
      nc.sim.state.faults.inject(
        { kind: 'redirect', location: `${elsewhere.url}/steal` },
        { endpoint: 'room', times: 1 },
      );
      const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
      expect(String(res.body['msg'])).not.toContain(elsewhere.url);
      expect(elsewhere.hits()).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  test('when an error body echoes the credentials, then the quoted excerpt is redacted', async () => {
    nc.sim.state.faults.inject(
      { kind: 'status', status: 500, body: `debug: Authorization: Basic ${BASIC} password=${PASSWORD}` },
      { endpoint: 'room', times: 1 },
    );
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
    expect(res.status).toBe(502);
    expect(String(res.body['msg'])).toContain('[redacted]');
    expectNothingLeaked(res.text);
  });

  describe('the connection check', () => {
    const check = async (target: TestApp = app) =>
      api(target, 'POST', '/api/v1/orgs/acme/providers/nextcloud_talk/check', {
        token: target.token({ userId: 'admin-1', role: 'admin' }),
      });

    test('when the account signs in and Talk is enabled, then ok, after two reads and no conversation', async () => {
      const res = await check();
      expect(res.body).toEqual({ result: 'success', msg: '', status: 'ok' });
      expect(nc.sim.state.requests.map((request) => [request.endpoint, request.authorized])).toEqual([
        ['user', true],
        ['capabilities', true],
      ]);
      expect(nc.sim.state.rooms.size).toBe(0);
    });

    test.each<{ name: string; fault?: SimFault; talkEnabled?: boolean; reason: string }>([
      {
        name: 'refuses the password',
        fault: {
          kind: 'status',
          status: 401,
          contentType: 'application/json',
          body: '{"ocs":{"meta":{"status":"failure","statuscode":401,"message":""},"data":[]}}',
        },
        reason: 'invalid_credentials',
      },
      { name: 'rate-limits', fault: { kind: 'rate_limited', retryAfter: '5' }, reason: 'rate_limited' },
      { name: 'answers 503 HTML', fault: { kind: 'html', status: 503 }, reason: 'unreachable' },
      { name: 'resets', fault: { kind: 'reset' }, reason: 'unreachable' },
      { name: 'answers garbled JSON', fault: { kind: 'garbled' }, reason: 'unexpected_answer' },
      {
        name: 'redirects',
        fault: { kind: 'redirect', location: 'https://login.example.com/' },
        reason: 'unexpected_answer',
      },
      { name: 'has Talk disabled for the account', talkEnabled: false, reason: 'unexpected_answer' },
    ])('when Nextcloud $name, then failed with reason $reason and no upstream text', async (row) => {
      if (row.fault) nc.sim.state.faults.inject(row.fault, { endpoint: 'user', times: 1 });
      if (row.talkEnabled !== undefined) nc.sim.state.talkEnabled = row.talkEnabled;
      const res = await check();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ result: 'success', status: 'failed', reason: row.reason });
      expect(String(res.body['detail'])).not.toMatch(/<|nginx|login\.example|"ocs"/);
      expect(nc.sim.state.rooms.size).toBe(0);
      expectNothingLeaked(res.text);
    });

    test('when nothing listens at the address, then unreachable', async () => {
      const closed = await startCountingServer();
      await closed.close();
      const lonely = await startNextcloudApp(db, `${closed.url}/`);
      try {
        expect((await check(lonely)).body).toMatchObject({ status: 'failed', reason: 'unreachable' });
      } finally {
        await lonely.close();
      }
    });

    test('when the app password is wrong for real, then invalid_credentials', async () => {
      const wrong = await startNextcloudApp(db, nc.url, { password: 'not-the-app-password' });
      try {
        expect((await check(wrong)).body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
      } finally {
        await wrong.close();
      }
    });
  });

  test('no log line holds the app password or the Basic header', () => {
    const logs = app.logs.join('\n');
    for (const secret of [PASSWORD, BASIC]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/Basic [A-Za-z0-9+/=]{8}/);
  });
});

describe('Nextcloud Talk that never answers', () => {
  let nc: RunningNextcloudSimulator;
  let app: TestApp;
  beforeAll(async () => {
    nc = await startNextcloudTalkSimulator({ username: USERNAME, password: PASSWORD });
    app = await startNextcloudApp('sqlite', nc.url, { timeoutMs: SHORT_TIMEOUT_MS });
  });
  afterAll(async () => {
    await app.close();
    await nc.close();
  });

  test('when the conversation request hangs, then 504 PROVIDER_TIMEOUT naming UPSTREAM_TIMEOUT_MS, once', async () => {
    nc.sim.state.faults.inject({ kind: 'hang' }, { endpoint: 'room', times: 1 });
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({
      code: 'PROVIDER_TIMEOUT',
      msg: `Error connecting to the Nextcloud Talk server: no answer within ${SHORT_TIMEOUT_MS} ms`,
    });
    expect(nc.sim.state.requestsOf('room')).toHaveLength(1);
  });

  test('when the check hangs, then failed with reason timeout', async () => {
    nc.sim.state.faults.inject({ kind: 'hang' }, { endpoint: 'user', times: 1 });
    const res = await api(app, 'POST', '/api/v1/orgs/acme/providers/nextcloud_talk/check', {
      token: app.token({ userId: 'admin-1', role: 'admin' }),
    });
    expect(res.body).toMatchObject({ status: 'failed', reason: 'timeout' });
  });
});

describe('Nextcloud Talk without settings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { NEXTCLOUD_SERVER: 'https://cloud.example.com', NEXTCLOUD_TALK_USERNAME: USERNAME } });
  });
  afterAll(async () => app.close());

  test('when the app password is missing, then unavailable with the reason, not selectable, and the check says not_configured', async () => {
    const listed = await api(app, 'GET', '/api/v1/providers', { token: app.token() });
    expect(listed.body['providers']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'nextcloud_talk',
          available: false,
          reason: 'Nextcloud Talk credentials have not been configured',
        }),
      ]),
    );
    const admin = app.token({ userId: 'admin-1', role: 'admin' });
    const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: admin,
      body: { video_chat_provider: 'nextcloud_talk' },
    });
    expect(patched.status).toBe(400);
    const checked = await api(app, 'POST', '/api/v1/orgs/acme/providers/nextcloud_talk/check', { token: admin });
    expect(checked.body).toMatchObject({ status: 'failed', reason: 'not_configured' });
  });
});
