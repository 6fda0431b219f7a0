/**
 * Webex at the HTTP level (SPEC §4a, §5, §6): the real app and database, and the Webex
 * simulator on 127.0.0.1 as the fake Webex, which takes the client id and secret only in
 * the token request's form body (as Webex does) and checks PKCE. Covers the popup flow,
 * room + ad-hoc meeting, the personal-room fallback, one refresh for many concurrent calls,
 * `invalid_grant` → authorize again, every failure class, and what is never retried.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { SimFailure } from '../src/providers/webex/simulator.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { authorizeAtWebex, connectWebex, startWebexHarness, WEBEX_CLIENT, type WebexHarness } from './support/webex.js';
import { browse } from './support/zoom.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/auth/identity.js';
import { parseSecrets } from '../src/config/secrets.js';
import { startService } from './support/process.js';

const kinds = await databaseKinds();
const DAY = 86_400;
const HOUR_MS = 3_600_000;
const html = (status: number): string =>
  `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status} Bad Gateway</h1><p>nginx</p></body></html>`;

/** What no answer may contain: our secrets, a simulated Webex token or code, stacks. */
function expectNothingLeaked(text: string): void {
  for (const secret of [...Object.values(TEST_SECRETS), WEBEX_CLIENT.clientSecret]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/sim_webex_|Bearer |\bat [\w.<>]+ \(|node_modules/);
}

describe.each(kinds)('Webex (%s)', (db) => {
  let h: WebexHarness;
  let clock = Date.now();
  let userSeq = 0;
  beforeAll(async () => {
    h = await startWebexHarness({
      db,
      now: () => clock,
      sim: { accessTokenTtlSeconds: 3600 },
      env: { HOST_ORIGIN: 'https://chat.example.com' },
    });
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    h.webex.sim.state.clearFailures();
    h.webex.sim.state.freeOrganization = false;
    h.webex.sim.state.resetCounters();
  });
  const newUser = (): string => h.app.token({ userId: `u${(userSeq += 1)}`, name: 'Ada', ttlSeconds: 30 * DAY });
  const call = (token: string, body: Record<string, unknown> = { meeting_name: 'general > standup' }) =>
    api(h.app, 'POST', '/api/v1/calls', { token, body });
  const connectedUser = async (): Promise<string> => {
    const user = newUser();
    expect((await connectWebex(h.app, user)).status).toBe(200);
    h.webex.sim.state.resetCounters();
    return user;
  };

  test('when register is visited, then it redirects to Webex’s authorize with the scopes, PKCE S256 and our redirect URL', async () => {
    const res = await browse(`${h.app.url}/calls/webex/register`, newUser());
    expect(res.status).toBe(302);
    const location = new URL(res.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${h.webex.url}authorize`);
    const q = location.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(WEBEX_CLIENT.clientId);
    expect(q.get('redirect_uri')).toBe(`${h.app.url}/calls/webex/complete`);
    expect(q.get('scope')).toBe('meeting:schedules_read meeting:schedules_write spark:all');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(32);
  });

  test('when the popup flow completes, then the opener is told webex_token and /me shows the connection', async () => {
    const user = newUser();
    const page = await connectWebex(h.app, user);
    expect(page.status).toBe(200);
    expect(page.text).toContain('{ type: "webex_token", value: true }');
    expect(page.text).toContain('var origin = "https://chat.example.com"');
    expectNothingLeaked(page.text);
    // The code exchange succeeded, so the client id and secret were in the form body.
    expect(h.webex.sim.state.grants).toEqual({ authorization_code: 1 });
    const me = await api(h.app, 'GET', '/api/v1/me', { token: user });
    expect(me.body).toMatchObject({ connections: { webex: { connected: true } } });
  });

  test('when a user who never connected asks for a call, then 403 PROVIDER_AUTHORIZATION_REQUIRED with the register URL', async () => {
    const res = await call(newUser());
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      provider: 'webex',
      authorize_url: `${h.app.url}/calls/webex/register`,
    });
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 0, meetings: 0 });
  });

  test('when a connected user asks for a call, then a public room and an ad-hoc meeting are made and webLink answered', async () => {
    const res = await call(await connectedUser());
    expect(res.status).toBe(200);
    const meeting = h.webex.sim.state.meetings.at(-1);
    expect(res.body).toEqual({
      result: 'success',
      msg: '',
      provider: 'webex',
      url: meeting?.webLink,
      is_video_call: true,
    });
    expect(h.webex.sim.state.rooms.at(-1)).toMatchObject({ title: 'general > standup', isPublic: true });
    expect(meeting).toMatchObject({ scheduledType: 'meeting', roomId: h.webex.sim.state.rooms.at(-1)?.id });
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 1, meetings: 1, token: 0 });
  });

  test('when a voice call is asked for, then the ordinary meeting is answered with is_video_call true', async () => {
    const res = await call(await connectedUser(), { is_video_call: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'webex', is_video_call: true });
    const providers = await api(h.app, 'GET', '/api/v1/providers', { token: newUser() });
    const webex = (providers.body['providers'] as Array<Record<string, unknown>>).find((p) => p['id'] === 'webex');
    expect(webex).toMatchObject({
      name: 'Webex',
      available: true,
      capabilities: { voice_only: false, requires_user_authorization: true },
    });
  });

  test('when rooms answers 403 (a free Webex organization), then a personal-room meeting is made instead', async () => {
    h.webex.sim.state.freeOrganization = true;
    const res = await call(await connectedUser());
    expect(res.status).toBe(200);
    expect(h.webex.sim.state.meetings.at(-1)).toMatchObject({ scheduledType: 'personalRoomMeeting', roomId: null });
    expect(res.body['url']).toBe(h.webex.sim.state.meetings.at(-1)?.webLink);
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 1, meetings: 1 });
  });

  test('when Webex refuses the token (401), then it is refreshed once and the refused request sent again', async () => {
    const user = await connectedUser();
    h.webex.sim.state.fail('rooms', { kind: 'invalid_token' });
    const res = await call(user);
    expect(res.status).toBe(200);
    expect(h.webex.sim.state.grants).toEqual({ refresh_token: 1 });
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 2, meetings: 1 });
  });

  test('when 20 concurrent calls find the token expired, then exactly one refresh serves them all', async () => {
    const user = await connectedUser();
    clock += 2 * HOUR_MS;
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(user)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(h.webex.sim.state.grants).toEqual({ refresh_token: 1 });
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 20, meetings: 20 });
  });

  test('when 20 concurrent calls have their token refused by Webex, then exactly one refresh happens', async () => {
    const user = await connectedUser();
    h.webex.sim.state.expireAccessTokens();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(user)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(h.webex.sim.state.grants).toEqual({ refresh_token: 1 });
  });

  test('when the refresh token is refused (invalid_grant), then the user must authorize again and is disconnected', async () => {
    const user = await connectedUser();
    h.webex.sim.state.expireAccessTokens();
    h.webex.sim.state.revokeRefreshTokens();
    const res = await call(user);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'PROVIDER_AUTHORIZATION_REQUIRED', provider: 'webex' });
    expect(h.webex.sim.state.requests.meetings).toBe(0);
    const me = await api(h.app, 'GET', '/api/v1/me', { token: user });
    expect(me.body).toMatchObject({ connections: { webex: { connected: false } } });
  });

  test('when Webex refuses even the refreshed token, then 403 PROVIDER_AUTHORIZATION_REQUIRED after one refresh', async () => {
    const user = await connectedUser();
    h.webex.sim.state.fail('rooms', { kind: 'invalid_token' }, 2);
    const res = await call(user);
    expect(res.body).toMatchObject({ code: 'PROVIDER_AUTHORIZATION_REQUIRED' });
    expect(h.webex.sim.state.grants).toEqual({ refresh_token: 1 });
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 2, meetings: 0 });
  });

  const faults: Array<{
    name: string;
    endpoint: 'rooms' | 'meetings';
    failure: SimFailure;
    status: number;
    code: string;
    msg?: RegExp;
  }> = [
    {
      name: 'answers 403 in its own format',
      endpoint: 'meetings',
      failure: { kind: 'json', status: 403, body: { message: 'Forbidden', trackingId: 'T' } },
      status: 502,
      code: 'PROVIDER_ERROR',
      msg: /^Failed to create Webex call$/,
    },
    {
      name: 'answers 502 with an HTML page',
      endpoint: 'meetings',
      failure: { kind: 'text', status: 502, body: html(502) },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: /^Error connecting to the Webex server: HTTP 502: <!DOCTYPE html>/,
    },
    {
      name: 'answers 500 with an HTML page to the room',
      endpoint: 'rooms',
      failure: { kind: 'text', status: 500, body: html(500) },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: /HTTP 500: /,
    },
    {
      name: 'answers garbled JSON',
      endpoint: 'meetings',
      failure: { kind: 'garbled' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: /HTTP 200/,
    },
    {
      name: 'drops the connection in the middle of the JSON',
      endpoint: 'meetings',
      failure: { kind: 'truncated' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
    },
    {
      name: 'redirects',
      endpoint: 'rooms',
      failure: { kind: 'redirect' },
      status: 502,
      code: 'PROVIDER_UNAVAILABLE',
      msg: /HTTP 302/,
    },
  ];
  for (const fault of faults) {
    test(`when Webex ${fault.name}, then ${fault.status} ${fault.code}, nothing retried or leaked`, async () => {
      const user = await connectedUser();
      h.webex.sim.state.fail(fault.endpoint, fault.failure);
      const res = await call(user);
      expect([res.status, res.body['code']]).toEqual([fault.status, fault.code]);
      if (fault.msg) expect(res.body['msg']).toMatch(fault.msg);
      expect(h.webex.sim.state.requests[fault.endpoint]).toBe(1);
      if (fault.endpoint === 'rooms') expect(h.webex.sim.state.requests.meetings).toBe(0);
      expect(h.webex.sim.state.grants).toEqual({});
      expectNothingLeaked(res.text);
    });
  }

  test('when the token endpoint redirects during a refresh, then 502 and the redirect is not followed', async () => {
    const user = await connectedUser();
    h.webex.sim.state.expireAccessTokens();
    h.webex.sim.state.fail('token', { kind: 'redirect' });
    const res = await call(user);
    expect([res.status, res.body['code']]).toEqual([502, 'PROVIDER_UNAVAILABLE']);
    expect(h.webex.sim.state.requests).toMatchObject({ token: 1, rooms: 1, meetings: 0 });
    expectNothingLeaked(res.text);
  });

  test('when Webex answers 429 with Retry-After, then 429 RATE_LIMITED with it (60 when absent), not retried', async () => {
    const user = await connectedUser();
    h.webex.sim.state.fail('rooms', { kind: 'rate_limited', retryAfter: '17' });
    const limited = await call(user);
    expect([limited.status, limited.body['code'], limited.headers.get('retry-after')]).toEqual([
      429,
      'RATE_LIMITED',
      '17',
    ]);
    h.webex.sim.state.fail('meetings', { kind: 'rate_limited' });
    const bare = await call(user);
    expect([bare.status, bare.headers.get('retry-after')]).toEqual([429, '60']);
    expect(h.webex.sim.state.requests).toMatchObject({ rooms: 2, meetings: 1 });
  });

  test('when Webex hangs, then 504 PROVIDER_TIMEOUT from an app with a short deadline, sent once', async () => {
    const twin = await startWebexHarness({
      db,
      webex: h.webex,
      databaseUrl: h.app.databaseUrl,
      env: { UPSTREAM_TIMEOUT_MS: '300' },
    });
    try {
      const user = newUser();
      expect((await connectWebex(twin.app, user)).status).toBe(200);
      h.webex.sim.state.resetCounters();
      h.webex.sim.state.fail('meetings', { kind: 'hang' });
      const res = await api(twin.app, 'POST', '/api/v1/calls', { token: user, body: {} });
      expect([res.status, res.body['code']]).toEqual([504, 'PROVIDER_TIMEOUT']);
      expect(h.webex.sim.state.requests.meetings).toBe(1);
    } finally {
      await twin.close();
    }
  });

  test('when the user disconnects Webex, then /me says so and the next call asks to authorize again', async () => {
    const user = await connectedUser();
    const removed = await api(h.app, 'DELETE', '/api/v1/me/connections/webex', { token: user });
    expect(removed.status).toBe(200);
    const me = await api(h.app, 'GET', '/api/v1/me', { token: user });
    expect(me.body).toMatchObject({ connections: { webex: { connected: false } } });
    expect((await call(user)).body).toMatchObject({ code: 'PROVIDER_AUTHORIZATION_REQUIRED' });
  });

  test('when the user denies at Webex, then the popup says it was not connected and nothing is stored', async () => {
    const user = newUser();
    const register = await browse(`${h.app.url}/calls/webex/register`, user);
    const denied = new URL(register.location ?? '');
    const callback = new URL(`${h.app.url}/calls/webex/complete`);
    callback.searchParams.set('state', denied.searchParams.get('state') ?? '');
    callback.searchParams.set('error', 'access_denied');
    const page = await browse(callback.toString(), user);
    expect(page.text).toContain('Webex was not connected');
    const me = await api(h.app, 'GET', '/api/v1/me', { token: user });
    expect(me.body).toMatchObject({ connections: { webex: { connected: false } } });
  });

  test('when an admin checks the connection, then ok, from one authorization-code grant with a made-up code', async () => {
    const admin = h.app.token({ role: 'admin', userId: 'admin-1', ttlSeconds: 30 * DAY });
    const res = await api(h.app, 'POST', '/api/v1/orgs/acme/providers/webex/check', { token: admin });
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(h.webex.sim.state.grants).toEqual({ authorization_code: 1 });
  });

  test('when the callback carries a state Webex never issued for this user, then INVALID_STATE in Webex’s words', async () => {
    const owner = await connectedUser();
    const callback = await authorizeAtWebex(h.app, newUser());
    const res = await browse(callback, owner);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid Webex session identifier');
  });
});

describe('Webex not configured', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { VIDEO_WEBEX_CLIENT_ID: 'C-only-the-id' } });
  });
  afterAll(async () => app.close());

  test('when the secret is missing, then webex is unavailable with Zulip’s reason, cannot be chosen, and register says so', async () => {
    const admin = app.token({ role: 'admin', userId: 'admin-1' });
    const providers = await api(app, 'GET', '/api/v1/providers', { token: admin });
    const webex = (providers.body['providers'] as Array<Record<string, unknown>>).find((p) => p['id'] === 'webex');
    expect(webex).toMatchObject({ available: false, reason: 'Webex credentials have not been configured' });
    const patched = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: admin,
      body: { video_chat_provider: 'webex' },
    });
    expect([patched.status, patched.body['code']]).toEqual([400, 'BAD_REQUEST']);
    const register = await browse(`${app.url}/calls/webex/register`, app.token());
    expect(register.status).toBe(503);
    expect(register.text).toContain('Webex credentials have not been configured');
    const check = await api(app, 'POST', '/api/v1/orgs/acme/providers/webex/check', { token: admin });
    expect(check.body).toMatchObject({ status: 'failed', reason: 'not_configured' });
  });
});

describe('Webex misconfigured', () => {
  let h: WebexHarness;
  beforeAll(async () => {
    h = await startWebexHarness({ db: 'sqlite', clientSecret: 'not-the-secret-webex-knows' });
  });
  afterAll(async () => h.close());

  test('when the client secret is wrong, then the check says invalid_credentials and the code exchange fails cleanly', async () => {
    const admin = h.app.token({ role: 'admin', userId: 'admin-1' });
    const check = await api(h.app, 'POST', '/api/v1/orgs/acme/providers/webex/check', { token: admin });
    expect(check.body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
    expectNothingLeaked(check.text);
    const user = h.app.token({ userId: 'u-wrong' });
    const page = await connectWebex(h.app, user);
    expect(page.text).toContain('Webex was not connected');
    expect(page.text).not.toContain('not-the-secret-webex-knows');
  });
});

describe('Webex in local mode', () => {
  test('when npm start runs without a secrets file, then webex is offered through the in-process simulator, popup and all', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'callgate-webex-local-'));
    const service = await startService({ cwd });
    try {
      const secrets = parseSecrets(readFileSync(join(cwd, 'data', 'local-secrets.conf'), 'utf8'), 'local');
      const admin = mintToken(secrets.auth_jwt_secret ?? '', { org: 'acme', userId: '1', role: 'admin', name: 'Ada' });
      const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const patched = await fetch(`${service.url}/api/v1/orgs/acme/settings`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ video_chat_provider: 'webex' }),
      });
      expect(patched.status).toBe(200);
      const refusal = (await (await fetch(`${service.url}/api/v1/calls`, { method: 'POST', headers })).json()) as {
        code: string;
        authorize_url: string;
      };
      expect(refusal).toMatchObject({
        code: 'PROVIDER_AUTHORIZATION_REQUIRED',
        authorize_url: `${service.url}/calls/webex/register`,
      });
      const register = await browse(refusal.authorize_url, admin);
      const authorize = register.location ?? '';
      expect(authorize.startsWith(`${service.url}/_simulators/webex/authorize?`)).toBe(true);
      expect((await browse(authorize)).text).toContain('Webex (simulated): allow callgate?');
      const form = new URL(authorize).searchParams;
      form.set('decision', 'allow');
      const allowed = await fetch(`${service.url}/_simulators/webex/authorize`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      const complete = allowed.headers.get('location') ?? '';
      expect(complete.startsWith(`${service.url}/calls/webex/complete?`)).toBe(true);
      expect((await browse(complete, admin)).text).toContain('{ type: "webex_token", value: true }');
      const call = (await (
        await fetch(`${service.url}/api/v1/calls`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ is_video_call: false }),
        })
      ).json()) as Record<string, unknown>;
      expect(call).toMatchObject({ result: 'success', provider: 'webex', is_video_call: true });
      expect(String(call['url'])).toMatch(new RegExp(`^${service.url}/_simulators/webex/meet/[0-9a-f]{32}$`));
      expect(await (await fetch(String(call['url']))).text()).toContain('(simulated)');
      expect(service.output()).toMatch(/simulated providers.*webex/);
    } finally {
      await service.stop();
    }
  });
});
