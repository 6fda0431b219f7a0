import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { api } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { startShortTimeoutTwin, startZoomHarness, ZOOM_CLIENT, type ZoomHarness } from './support/zoom.js';

const kinds = await databaseKinds();

describe.each(kinds)('POST /api/v1/calls with a Zoom server-to-server app (%s)', (db) => {
  let h: ZoomHarness;
  let clock = Date.now();
  beforeAll(async () => {
    h = await startZoomHarness({ db, kind: 'zoom_server_to_server', now: () => clock });
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    h.zoom.sim.state.clearFailures();
    h.zoom.sim.state.delayMs = 0;
    h.zoom.sim.state.resetCounters();
  });
  const call = (body: Record<string, unknown> = {}, email = 'ada@example.com') =>
    api(h.app, 'POST', '/api/v1/calls', { token: h.app.token({ email, name: 'Ada' }), body });

  test('when 50 calls arrive on a cold cache, then exactly one token request is made and all succeed', async () => {
    h.zoom.sim.state.delayMs = 30;
    const results = await Promise.all(Array.from({ length: 50 }, () => call()));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(h.zoom.sim.state.grants['account_credentials']).toBe(1);
    expect(h.zoom.sim.state.requests.meetings).toBe(50);
  });

  test("when a call is made, then the meeting is created for the URL-encoded email with Zulip's body and join_url answered", async () => {
    h.zoom.sim.state.users.push({ id: 'u-plus', accountId: 'acct-test', email: 'grace+calls@example.com' });
    const res = await call({ is_video_call: false, meeting_name: 'general > standup' }, 'grace+calls@example.com');
    expect(res.status).toBe(200);
    const meeting = h.zoom.sim.state.meetings.at(-1);
    expect(meeting).toMatchObject({
      userId: 'u-plus',
      topic: 'general > standup',
      settings: { host_video: false, participant_video: false },
    });
    expect(res.body).toMatchObject({
      result: 'success',
      provider: 'zoom_server_to_server',
      url: meeting?.joinUrl,
      is_video_call: false,
    });
  });

  test('when the cached token is still fresh, then no new token is requested; once it nears expiry, one is', async () => {
    await call();
    expect(h.zoom.sim.state.grants['account_credentials'] ?? 0).toBe(0);
    clock += 3600_000 - 30_000; // within the last minute of the token's hour
    await call();
    expect(h.zoom.sim.state.grants['account_credentials']).toBe(1);
  });

  test('when Zoom answers 401 code 124, then the token is fetched again once and the call succeeds', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'invalid_token' });
    const res = await call();
    expect(res.status).toBe(200);
    expect(h.zoom.sim.state.grants['account_credentials']).toBe(1);
    expect(h.zoom.sim.state.requests.meetings).toBe(2);
  });

  test('when Zoom refuses even a fresh token, then 502 PROVIDER_AUTH_FAILED after exactly two attempts', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'invalid_token' }, 2);
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', msg: 'Invalid Zoom credentials' });
    expect(h.zoom.sim.state.requests.meetings).toBe(2);
  });

  test('when the email is not in the Zoom account, then 400 UNKNOWN_ZOOM_USER', async () => {
    const res = await call({}, 'stranger@example.com');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'error', code: 'UNKNOWN_ZOOM_USER', msg: 'Unknown Zoom user email' });
  });

  test('when Zoom answers another error, then 502 PROVIDER_ERROR and the meeting is not retried', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'json', status: 400, body: { code: 300, message: 'Invalid topic' } });
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_ERROR', msg: 'Failed to create Zoom call' });
    expect(h.zoom.sim.state.requests.meetings).toBe(1);
  });

  test('when Zoom refuses with a 4xx that is not its JSON, then 502 PROVIDER_ERROR "Failed to create Zoom call", as Zulip says', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'text', status: 404, body: '<html>Not Found</html>' });
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_ERROR', msg: 'Failed to create Zoom call' });
    expect(h.zoom.sim.state.requests.meetings).toBe(1);
  });

  test('when Zoom rate-limits, then 429 RATE_LIMITED with its Retry-After (or 60)', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'rate_limited', retryAfter: '7' });
    const withHeader = await call();
    expect(withHeader.status).toBe(429);
    expect(withHeader.body['code']).toBe('RATE_LIMITED');
    expect(withHeader.headers.get('retry-after')).toBe('7');
    h.zoom.sim.state.fail('meetings', { kind: 'rate_limited' });
    const without = await call();
    expect(without.headers.get('retry-after')).toBe('60');
  });

  test('when Zoom answers something that is not JSON, then 502 PROVIDER_UNAVAILABLE', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'text', status: 502, body: '<html>Bad gateway</html>' });
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body['code']).toBe('PROVIDER_UNAVAILABLE');
  });

  test('when Zoom resets the connection, then 502 PROVIDER_UNAVAILABLE and no retry', async () => {
    h.zoom.sim.state.fail('meetings', { kind: 'reset' });
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body['code']).toBe('PROVIDER_UNAVAILABLE');
    expect(h.zoom.sim.state.requests.meetings).toBe(1);
  });

  test('when Zoom does not answer in time, then 504 PROVIDER_TIMEOUT and no retry', async () => {
    const quick = await startShortTimeoutTwin(h, { db, kind: 'zoom_server_to_server', now: () => clock });
    h.zoom.sim.state.fail('meetings', { kind: 'hang' });
    const res = await api(quick.app, 'POST', '/api/v1/calls', { token: quick.app.token({ email: 'ada@example.com' }) });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 'PROVIDER_TIMEOUT' });
    expect(h.zoom.sim.state.requests.meetings).toBe(1);
    await quick.close();
  });

  test('when the connection check runs, then ok with good credentials', async () => {
    const res = await api(h.app, 'POST', '/api/v1/orgs/acme/providers/zoom_server_to_server/check', {
      token: h.app.token({ role: 'admin' }),
    });
    expect(res.body).toMatchObject({ result: 'success', status: 'ok' });
  });

  test('no log line contains a token, the client secret or an authorization header', async () => {
    await call();
    const logs = h.app.logs.join('\n');
    expect(logs).not.toContain(ZOOM_CLIENT.clientSecret);
    expect(logs).not.toMatch(/sim_at_|Bearer |Basic /);
  });
});

describe('Zoom server-to-server token endpoint failures', () => {
  let h: ZoomHarness;
  beforeAll(async () => {
    h = await startZoomHarness({ db: 'sqlite', kind: 'zoom_server_to_server' });
  });
  afterAll(async () => h.close());
  const call = () =>
    api(h.app, 'POST', '/api/v1/calls', { token: h.app.token({ email: 'ada@example.com' }), body: {} });
  const check = () =>
    api(h.app, 'POST', '/api/v1/orgs/acme/providers/zoom_server_to_server/check', {
      token: h.app.token({ role: 'admin' }),
    });

  test('when the token endpoint answers 4xx, then 502 PROVIDER_AUTH_FAILED and the check says invalid_credentials', async () => {
    h.zoom.sim.state.fail(
      'token',
      { kind: 'json', status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } },
      2,
    );
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', msg: 'Invalid Zoom credentials' });
    expect((await check()).body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
  });

  test('when the token endpoint hangs, then 504 and the check says unreachable', async () => {
    const quick = await startShortTimeoutTwin(h, { db: 'sqlite', kind: 'zoom_server_to_server' });
    h.zoom.sim.state.fail('token', { kind: 'hang' }, 2);
    const token = quick.app.token({ email: 'ada@example.com', role: 'admin' });
    expect((await api(quick.app, 'POST', '/api/v1/calls', { token })).status).toBe(504);
    const checked = await api(quick.app, 'POST', '/api/v1/orgs/acme/providers/zoom_server_to_server/check', { token });
    expect(checked.body).toMatchObject({ status: 'failed', reason: 'unreachable' });
    await quick.close();
  });

  test('when the token endpoint rate-limits, then 429 with Retry-After', async () => {
    h.zoom.sim.state.fail('token', { kind: 'rate_limited', retryAfter: '3' });
    const res = await call();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  test('when the token endpoint answers garbage, then 502 PROVIDER_UNAVAILABLE', async () => {
    h.zoom.sim.state.fail('token', { kind: 'text', status: 200, body: 'not json' });
    const res = await call();
    expect(res.status).toBe(502);
    expect(res.body['code']).toBe('PROVIDER_UNAVAILABLE');
  });
});
