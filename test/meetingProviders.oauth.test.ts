/**
 * Google Meet and Microsoft Teams through the real app and a real database, against their
 * simulators on 127.0.0.1 (SPEC §4a, §5, §6): the authorization popup with PKCE and
 * client_secret_post, denied consent and sign-in refusals, calls, refusals of every kind,
 * one refresh for 20 concurrent calls, `GET /api/v1/me`, disconnect and the connection check.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import {
  browse,
  CLIENT_ID,
  CLIENT_SECRET,
  connectUser,
  decideAtProvider,
  MEETING_PROVIDERS,
  startMeetingHarness,
  type MeetingHarness,
  type MeetingProviderCase,
  type MeetingSim,
} from './support/meetingApps.js';

const kinds = await databaseKinds();
const cases = MEETING_PROVIDERS.flatMap((provider) => kinds.map((db) => ({ name: provider.name, db, provider })));

describe.each(cases)('$name per-user calls ($db)', ({ provider, db }) => {
  let h: MeetingHarness;
  let clock = Date.now();
  let users = 0;
  /** A fresh user (tokens for API and session alike), so tests do not share connections. */
  const newUser = (): string => h.app.token({ userId: `${provider.id}-u${(users += 1)}`, ttlSeconds: 30 * 86_400 });
  const call = (token: string, body: Record<string, unknown> = {}) =>
    api(h.app, 'POST', '/api/v1/calls', { token, body });
  const connection = async (token: string) =>
    ((await api(h.app, 'GET', '/api/v1/me', { token })).body['connections'] as Record<string, unknown>)[provider.id];

  beforeAll(async () => {
    h = await startMeetingHarness({ db, provider, now: () => clock });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sim.faults.clearFailures();
    h.sim.faults.resetCounters();
    h.sim.oauth.resetRecords();
  });

  test('when listed, then available, no voice-only start, user authorization required', async () => {
    const listed = await api(h.app, 'GET', '/api/v1/providers', { token: newUser() });
    const entry = (listed.body['providers'] as Array<Record<string, unknown>>).find((p) => p['id'] === provider.id);
    expect(entry).toEqual({
      id: provider.id,
      name: provider.name,
      available: true,
      capabilities: { voice_only: false, requires_user_authorization: true },
    });
  });

  test('when a user without a token calls, then 403 with authorize_url and provider; register sends PKCE, scope and the provider params', async () => {
    const user = newUser();
    const refused = await call(user);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      result: 'error',
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${h.app.url}/calls/${provider.id}/register`,
      provider: provider.id,
    });
    const { authorize } = await decideAtProvider(h.app, provider, user, { allow: true });
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.sim.url}${provider.authorizePath}`);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'callgate-test-client',
      redirect_uri: `${h.app.url}/calls/${provider.id}/complete`,
      scope: provider.scope,
      code_challenge_method: 'S256',
      ...provider.extraAuthorizeParams,
    });
    expect(params['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params['state']).toMatch(/^\S{16,}$/);
  });

  test('when the user allows, then the popup reports <id>_token true, the code exchange used PKCE and client_secret_post, and calls succeed', async () => {
    const user = newUser();
    const page = await connectUser(h.app, provider, user);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${provider.id}_token`);
    expect(page.text).toContain(`${provider.name} connected`);
    expect(h.sim.oauth.tokenRequests).toEqual([
      { grantType: 'authorization_code', clientAuth: 'client_secret_post', codeVerifier: true },
    ]);
    const video = await call(user, { meeting_name: 'general > standup' });
    expect(video.status).toBe(200);
    expect(video.body).toEqual({
      result: 'success',
      msg: '',
      provider: provider.id,
      url: h.sim.created().at(-1),
      is_video_call: true,
    });
    // No voice-only start: a voice request gets an ordinary meeting, said so in the answer.
    const voice = await call(user, { is_video_call: false });
    expect(voice.status).toBe(200);
    expect(voice.body['is_video_call']).toBe(true);
    expect(h.sim.faults.requests[h.sim.api]).toBe(2);
    expect(await connection(user)).toMatchObject({ connected: true });
  });

  test('when the user denies consent, then the popup says so and reports false, and nothing is stored', async () => {
    const user = newUser();
    const page = await connectUser(h.app, provider, user, { allow: false });
    expect(page.status).toBe(400);
    expect(page.text).toContain(`${provider.name} did not authorize callgate`);
    expect(page.text).toContain(`${provider.id}_token`);
    expect(h.sim.oauth.tokenRequests).toEqual([]);
    expect(await connection(user)).toMatchObject({ connected: false });
    expect((await call(user)).body['code']).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
  });

  test("when the code is replayed or the state is another user's, then INVALID_STATE and no second exchange", async () => {
    const user = newUser();
    const { callback } = await decideAtProvider(h.app, provider, user, { allow: true });
    const stranger = await browse(callback.toString(), newUser());
    expect(stranger.status).toBe(400);
    expect(stranger.text).toContain(`Invalid ${provider.name} session identifier`);
    expect(h.sim.oauth.tokenRequests).toEqual([]);
  });

  test('when the provider refuses the token once, then one refresh and the call succeeds', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.oauth.resetRecords();
    h.sim.faults.fail(h.sim.api, { kind: 'invalid_token' });
    const answer = await call(user);
    expect(answer.status).toBe(200);
    expect(h.sim.oauth.grants['refresh_token']).toBe(1);
    expect(h.sim.oauth.tokenRequests.at(-1)).toMatchObject({ clientAuth: 'client_secret_post' });
    expect(h.sim.faults.requests[h.sim.api]).toBe(2);
  });

  test('when the provider refuses even the refreshed token, then 403 authorize again and the tokens are gone', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.faults.fail(h.sim.api, { kind: 'invalid_token' }, 2);
    const answer = await call(user);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'PROVIDER_AUTHORIZATION_REQUIRED', provider: provider.id });
    expect(h.sim.faults.requests[h.sim.api]).toBe(2);
    expect(await connection(user)).toMatchObject({ connected: false });
  });

  test('when the refresh token died at the provider (invalid_grant), then 403 authorize again and the stored token is removed', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.oauth.revokeRefreshTokens();
    h.sim.oauth.expireAccessTokens();
    const answer = await call(user);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${h.app.url}/calls/${provider.id}/register`,
      provider: provider.id,
    });
    expect(await connection(user)).toMatchObject({ connected: false });
    // Connecting again works.
    expect((await connectUser(h.app, provider, user)).status).toBe(200);
    expect((await call(user)).status).toBe(200);
  });

  test('when 20 calls arrive at once with an expired token, then exactly one refresh and all succeed', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.oauth.resetRecords();
    h.sim.oauth.expireAccessTokens();
    clock += 2 * 3600_000;
    // A slow token endpoint keeps the race open while every call arrives.
    h.sim.faults.fail('token', { kind: 'delay', ms: 200 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(user)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(h.sim.oauth.grants['refresh_token']).toBe(1);
  });

  test('when the token endpoint answers garbage or a 5xx page during a refresh, then 502 and the user stays connected', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.faults.fail(h.sim.api, { kind: 'invalid_token' });
    h.sim.faults.fail('token', { kind: 'text', status: 200, body: 'not json at all' });
    const garbled = await call(user);
    expect([garbled.status, garbled.body['code']]).toEqual([502, 'PROVIDER_UNAVAILABLE']);
    h.sim.faults.fail(h.sim.api, { kind: 'invalid_token' });
    h.sim.faults.fail('token', { kind: 'text', status: 503, body: '<html>down</html>' });
    const html = await call(user);
    expect(html.status).toBe(502);
    expect(html.text).not.toMatch(/sim_(at|rt)_/);
    // Nothing said the grant is dead: the tokens are kept and the next call works.
    expect(await connection(user)).toMatchObject({ connected: true });
    expect((await call(user)).status).toBe(200);
  });

  test('when the provider answers 429, then 429 RATE_LIMITED with its Retry-After, and nothing is retried', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.faults.fail(h.sim.api, { kind: 'rate_limited', retryAfter: '42' });
    const answer = await call(user);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('42');
    expect(answer.body['code']).toBe('RATE_LIMITED');
    expect(h.sim.faults.requests[h.sim.api]).toBe(1);
  });

  test('when the provider answers a 5xx HTML page or garbage, then 502 PROVIDER_UNAVAILABLE in SPEC wording', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    h.sim.faults.fail(h.sim.api, { kind: 'text', status: 500, body: '<html><h1>Internal error</h1></html>' });
    const html = await call(user);
    expect([html.status, html.body['code'], html.body['msg']]).toEqual([
      502,
      'PROVIDER_UNAVAILABLE',
      `Error connecting to the ${provider.name} server: HTTP 500: <html><h1>Internal error</h1></html>`,
    ]);
    h.sim.faults.fail(h.sim.api, { kind: 'text', status: 200, body: '{"truncated' });
    const garbled = await call(user);
    expect([garbled.status, garbled.body['code']]).toEqual([502, 'PROVIDER_UNAVAILABLE']);
  });

  test('when the provider refuses with 403, then 502 PROVIDER_ERROR in words', async () => {
    const user = newUser();
    if (provider.forbiddenUser) {
      await connectUser(h.app, provider, user, { allow: true, user: provider.forbiddenUser });
    } else {
      await connectUser(h.app, provider, user);
      h.sim.faults.fail(h.sim.api, {
        kind: 'json',
        status: 403,
        body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } },
      });
    }
    const answer = await call(user);
    expect([answer.status, answer.body['code']]).toEqual([502, 'PROVIDER_ERROR']);
    expect(answer.body['msg']).toMatch(new RegExp(`^Failed to create ${provider.name} call`));
    if (provider.forbiddenUser) expect(answer.body['msg']).toMatch(/no Microsoft Teams licence/);
  });

  test('when the user disconnects, then the connection is gone; Google revokes the grant, Microsoft deletes here only', async () => {
    const user = newUser();
    await connectUser(h.app, provider, user);
    const refreshTokens = h.sim.oauth.validRefreshTokens();
    const disconnected = await api(h.app, 'DELETE', `/api/v1/me/connections/${provider.id}`, { token: user });
    expect(disconnected.status).toBe(200);
    expect(await connection(user)).toMatchObject({ connected: false });
    if (provider.revokes) {
      expect(h.sim.faults.requests['revoke']).toBe(1);
      expect(h.sim.oauth.revoked).toHaveLength(1);
    } else {
      // No request reached Microsoft: its refresh tokens are all still valid there.
      expect(Object.values(h.sim.faults.requests).reduce((sum, n) => sum + n, 0)).toBe(2);
      expect(h.sim.oauth.validRefreshTokens()).toEqual(refreshTokens);
    }
    expect((await call(user)).body['code']).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
  });

  test('when an admin checks the connection, then ok with good credentials', async () => {
    // Long-lived: earlier tests moved the app's clock forward.
    const admin = h.app.token({ role: 'admin', userId: 'admin-1', ttlSeconds: 30 * 86_400 });
    const check = await api(h.app, 'POST', `/api/v1/orgs/acme/providers/${provider.id}/check`, { token: admin });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ status: 'ok' });
  });
});

describe.each(MEETING_PROVIDERS)('$name with a wrong client secret or a hanging provider', (provider) => {
  let h: MeetingHarness;
  let short: MeetingHarness;
  beforeAll(async () => {
    h = await startMeetingHarness({ db: 'sqlite', provider, secret: 'not-the-client-secret' });
    short = await startMeetingHarness({
      db: 'sqlite',
      provider,
      sim: h.sim,
      env: { UPSTREAM_TIMEOUT_MS: '300' },
    });
  });
  afterAll(async () => {
    await short?.close();
    await h?.close();
  });

  test('when the secret is wrong, then the check says invalid_credentials and the popup fails with our words', async () => {
    const admin = h.app.token({ role: 'admin', userId: 'admin-1' });
    const check = await api(h.app, 'POST', `/api/v1/orgs/acme/providers/${provider.id}/check`, { token: admin });
    expect(check.body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
    expect(check.text).not.toContain('not-the-client-secret');
    const user = h.app.token({ userId: 'wrong-secret-user' });
    const page = await connectUser(h.app, provider, user);
    expect(page.status).toBe(502);
    expect(page.text).toContain(`Invalid ${provider.name} credentials`);
    expect(page.text).not.toContain('not-the-client-secret');
  });

  test('when the provider never answers a create, then 504 PROVIDER_TIMEOUT after the short deadline, not retried', async () => {
    // `short` shares the simulator, with the right secret and a 300 ms deadline.
    const user = short.app.token({ userId: 'hang-user' });
    expect((await connectUser(short.app, provider, user)).status).toBe(200);
    short.sim.faults.resetCounters();
    short.sim.faults.fail(short.sim.api, { kind: 'hang' });
    const answer = await api(short.app, 'POST', '/api/v1/calls', { token: user, body: {} });
    expect([answer.status, answer.body['code']]).toEqual([504, 'PROVIDER_TIMEOUT']);
    expect(short.sim.faults.requests[short.sim.api]).toBe(1);
  });

  test('when the token endpoint never answers a refresh, then 504 PROVIDER_TIMEOUT and the user stays connected', async () => {
    const user = short.app.token({ userId: 'hang-refresh-user' });
    expect((await connectUser(short.app, provider, user)).status).toBe(200);
    short.sim.faults.fail(short.sim.api, { kind: 'invalid_token' });
    short.sim.faults.fail('token', { kind: 'hang' });
    const answer = await api(short.app, 'POST', '/api/v1/calls', { token: user, body: {} });
    expect([answer.status, answer.body['code']]).toEqual([504, 'PROVIDER_TIMEOUT']);
    const me = await api(short.app, 'GET', '/api/v1/me', { token: user });
    expect((me.body['connections'] as Record<string, unknown>)[provider.id]).toMatchObject({ connected: true });
  });
});

describe('Microsoft Teams sign-in refusals', () => {
  const teams = MEETING_PROVIDERS.find((provider) => provider.id === 'microsoft_teams');
  let h: MeetingHarness;
  beforeAll(async () => {
    if (!teams) throw new Error('no Microsoft Teams case');
    h = await startMeetingHarness({ db: 'sqlite', provider: teams });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('when a personal account signs in, then the popup says in our words to use a work or school account', async () => {
    if (!teams) throw new Error('no Microsoft Teams case');
    const user = h.app.token({ userId: 'personal-1' });
    const page = await connectUser(h.app, teams, user, { allow: true, user: 'ms-personal-1' });
    expect(page.status).toBe(400);
    expect(page.text).toContain(
      'Personal Microsoft accounts (outlook.com, hotmail.com, live.com) cannot create Teams meetings',
    );
    expect(page.text).toContain('Sign in with your work or school account.');
    expect(page.text).toContain('microsoft_teams_token');
    // Microsoft's own text (with its trace ids) is never shown.
    expect(page.text).not.toMatch(/AADSTS|identity provider/);
    expect(h.sim.oauth.tokenRequests).toEqual([]);
  });
});

describe('GET /api/v1/me with both providers configured', () => {
  const [google, teams] = MEETING_PROVIDERS as [MeetingProviderCase, MeetingProviderCase];
  let googleSim: MeetingSim;
  let teamsSim: MeetingSim;
  let app: TestApp;
  beforeAll(async () => {
    googleSim = await google.startSim({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    teamsSim = await teams.startSim({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    app = await startApp({
      env: { ...google.env(googleSim.url), ...teams.env(teamsSim.url) },
      secrets: { [google.secretName]: CLIENT_SECRET, [teams.secretName]: CLIENT_SECRET },
    });
  });
  afterAll(async () => {
    await app?.close();
    await googleSim?.close();
    await teamsSim?.close();
  });

  test('when a user connected one of them, then both are listed, each with its own state', async () => {
    const user = app.token({ userId: 'both-1' });
    expect((await connectUser(app, google, user)).status).toBe(200);
    const me = await api(app, 'GET', '/api/v1/me', { token: user });
    expect(me.status).toBe(200);
    const connections = me.body['connections'] as Record<string, { connected: boolean; expires_at: string | null }>;
    expect(connections['google_meet']?.connected).toBe(true);
    expect(Date.parse(connections['google_meet']?.expires_at ?? '')).toBeGreaterThan(Date.now());
    expect(connections['microsoft_teams']).toEqual({ connected: false, expires_at: null });
  });
});
