import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createTokenCipher } from '../src/crypto/tokenCipher.js';
import { buildConfig } from '../src/config/index.js';
import { openTokens, reencryptUserTokens } from '../src/userAuth/vault.js';
import { api, startApp, TEST_SECRETS, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import {
  authorizeAtZoom,
  browse,
  connectZoom,
  startShortTimeoutTwin,
  startZoomHarness,
  ZOOM_CLIENT,
  type ZoomHarness,
} from './support/zoom.js';

const kinds = await databaseKinds();
const DAY = 86_400;
const HOUR_MS = 3600_000;

describe.each(kinds)('Zoom general OAuth app (%s)', (db) => {
  let h: ZoomHarness;
  let clock = Date.now();
  let userSeq = 0;
  beforeAll(async () => {
    h = await startZoomHarness({
      db,
      kind: 'zoom',
      now: () => clock,
      env: { HOST_ORIGIN: 'https://chat.example.com' },
    });
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    h.zoom.sim.state.clearFailures();
    h.zoom.sim.state.delayMs = 0;
    h.zoom.sim.state.resetCounters();
  });
  /** A fresh user (so tests do not share tokens) whose identity outlives clock jumps. */
  const newUser = (): string => h.app.token({ userId: `u${(userSeq += 1)}`, name: 'Ada', ttlSeconds: 30 * DAY });
  const call = (token: string, body: Record<string, unknown> = {}) =>
    api(h.app, 'POST', '/api/v1/calls', { token, body });
  const userIdOf = (token: string): string =>
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
  const cipher = () => createTokenCipher(h.app.config.tokenEncryption);
  const storedTokens = async (token: string) => {
    const row = await h.app.store.userTokens.get('zoom', 'acme', userIdOf(token));
    return row ? openTokens(cipher(), row) : null;
  };

  test('when register is visited, then it redirects to Zoom with code flow, PKCE S256 and a stored state', async () => {
    const res = await browse(`${h.app.url}/calls/zoom/register`, newUser());
    expect(res.status).toBe(302);
    const location = new URL(res.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${h.zoom.url}/oauth/authorize`);
    const q = location.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(ZOOM_CLIENT.clientId);
    expect(q.get('redirect_uri')).toBe(`${h.app.url}/calls/zoom/complete`);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(await h.app.store.oauthStates.take(q.get('state') ?? '')).toMatchObject({ org: 'acme' });
  });

  test('when register is visited without a session, then 401 page', async () => {
    const res = await browse(`${h.app.url}/calls/zoom/register`);
    expect(res.status).toBe(401);
  });

  test('when the flow completes, then the page tells the opener under a nonce CSP, and tokens are stored encrypted', async () => {
    const user = newUser();
    const page = await connectZoom(h.app, user);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(page.text).toContain(`<script nonce="${nonce}">`);
    expect(page.text).toContain('new BroadcastChannel("callgate").postMessage(message)');
    expect(page.text).toContain('{ type: "zoom_token", value: true }');
    expect(page.text).toContain('var origin = "https://chat.example.com"');
    expect(page.text).toContain('window.opener.postMessage(message, origin)');
    expect(page.text).toContain('window.close()');
    expect(page.text).not.toContain('"*"');

    const row = await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user));
    expect(row).toMatchObject({
      accountUserId: 'zoom-user-1',
      accountId: 'zoom-account-1',
      keyId: h.app.config.tokenEncryption.current.id,
    });
    const tokens = await storedTokens(user);
    expect(h.zoom.sim.state.validAccessTokens()).toContain(tokens?.accessToken);
    expect(row?.ciphertext).not.toContain(tokens?.accessToken ?? '');
    expect(row?.ciphertext).not.toContain(tokens?.refreshToken ?? '');
    expect(Buffer.from(row?.ciphertext ?? '', 'base64url').toString('latin1')).not.toContain('sim_');

    const me = await api(h.app, 'GET', '/api/v1/me', { token: user });
    expect(me.body).toMatchObject({ connections: { zoom: { connected: true } } });
  });

  test('when a state is replayed, then 400 INVALID_STATE', async () => {
    const user = newUser();
    const callback = await authorizeAtZoom(h.app, user);
    expect((await browse(callback, user)).status).toBe(200);
    const replay = await browse(callback, user);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('Invalid Zoom session identifier');
    expect(replay.text).toContain('/calls/zoom/register');
  });

  test('when a state is presented by another user, then 400 INVALID_STATE and nothing is stored for either', async () => {
    const owner = newUser();
    const other = newUser();
    const callback = await authorizeAtZoom(h.app, owner);
    const res = await browse(callback, other);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid Zoom session identifier');
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(other))).toBeNull();
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(owner))).toBeNull();
  });

  test('when a state is more than 10 minutes old, then 400 INVALID_STATE', async () => {
    const user = newUser();
    const callback = await authorizeAtZoom(h.app, user);
    clock += 10 * 60_000 + 1000;
    const res = await browse(callback, user);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid Zoom session identifier');
  });

  test('when an unknown state or no code is presented, then 400', async () => {
    const user = newUser();
    expect((await browse(`${h.app.url}/calls/zoom/complete?code=x&state=nope`, user)).status).toBe(400);
    expect((await browse(`${h.app.url}/calls/zoom/complete?state=nope`, user)).status).toBe(400);
  });

  test('when the user declines at Zoom, then a 400 page offers to retry', async () => {
    const user = newUser();
    const register = await browse(`${h.app.url}/calls/zoom/register`, user);
    const params = new URL(register.location ?? '').searchParams;
    const form = new URLSearchParams(params);
    form.set('decision', 'deny');
    const denied = await fetch(`${h.zoom.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const back = await browse(denied.headers.get('location') ?? '', user);
    expect(back.status).toBe(400);
    expect(back.text).toContain('Connect Zoom again');
    // The opener learns it should stop waiting; the popup stays open with the retry link.
    const nonce = /script-src 'nonce-([^']+)'/.exec(back.headers.get('content-security-policy') ?? '')?.[1];
    expect(back.text).toContain(`<script nonce="${nonce}">`);
    expect(back.text).toContain('{ type: "zoom_token", value: false }');
    expect(back.text).toContain('window.opener.postMessage(message, origin)');
    expect(back.text).not.toContain('window.close()');
  });

  test('when Zoom shows its Allow page and the user allows, then the flow completes', async () => {
    const user = newUser();
    const register = await browse(`${h.app.url}/calls/zoom/register`, user);
    const url = new URL(register.location ?? '');
    url.searchParams.delete('auto');
    // The harness auto-approves; the page itself is what a human sees in local mode.
    const form = new URLSearchParams(url.searchParams);
    form.set('decision', 'allow');
    const allowed = await fetch(`${h.zoom.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(allowed.status).toBe(302);
    expect((await browse(allowed.headers.get('location') ?? '', user)).status).toBe(200);
  });

  test('when the code exchange is refused with 4xx, then a 502 PROVIDER_AUTH_FAILED page', async () => {
    const user = newUser();
    const callback = await authorizeAtZoom(h.app, user);
    h.zoom.sim.state.fail('token', {
      kind: 'json',
      status: 401,
      body: { error: 'invalid_client', reason: 'Invalid client' },
    });
    const res = await browse(callback, user);
    expect(res.status).toBe(502);
    expect(res.text).toContain('Invalid Zoom credentials');
    expect(res.text).toContain('Connect Zoom again');
  });

  test('when Zoom refuses the code itself (invalid_grant: made up, expired or used), then a 400 page, not a 502', async () => {
    const user = newUser();
    const callback = new URL(await authorizeAtZoom(h.app, user));
    callback.searchParams.set('code', 'sim_code_made_up');
    const res = await browse(callback.toString(), user);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Zoom did not accept the authorization code');
    expect(res.text).toContain('Connect Zoom again');
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).toBeNull();
  });

  test('when the token endpoint hangs during the exchange, then a 504 page', async () => {
    const user = newUser();
    const callback = await authorizeAtZoom(h.app, user);
    const quick = await startShortTimeoutTwin(h, { db, kind: 'zoom', now: () => clock });
    h.zoom.sim.state.fail('token', { kind: 'hang' });
    expect((await browse(callback.replace(h.app.url, quick.app.url), user)).status).toBe(504);
    await quick.close();
  });

  test('when Zoom refuses to say who the user is, then the token is kept anyway', async () => {
    const user = newUser();
    h.zoom.sim.state.fail('me', { kind: 'json', status: 400, body: { code: 200, message: 'No permission.' } });
    expect((await connectZoom(h.app, user)).status).toBe(200);
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).toMatchObject({ accountUserId: null });
    expect((await call(user)).status).toBe(200);
  });

  test('when a user without a token asks for a call, then 403 PROVIDER_AUTHORIZATION_REQUIRED with authorize_url', async () => {
    const res = await call(newUser());
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${h.app.url}/calls/zoom/register`,
    });
  });

  test("when a connected user asks for a call, then the meeting is created with the user's own token", async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    const res = await call(user, { is_video_call: true, meeting_name: 'design review' });
    expect(res.status).toBe(200);
    const meeting = h.zoom.sim.state.meetings.at(-1);
    expect(meeting).toMatchObject({
      userId: 'zoom-user-1',
      topic: 'design review',
      settings: { host_video: true, participant_video: true },
    });
    expect(res.body).toMatchObject({ provider: 'zoom', url: meeting?.joinUrl });
  });

  test('when 50 calls arrive with an expired token, then exactly one refresh happens and all succeed', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    const before = await storedTokens(user);
    clock += HOUR_MS;
    h.zoom.sim.state.resetCounters();
    h.zoom.sim.state.delayMs = 20;
    const results = await Promise.all(Array.from({ length: 50 }, () => call(user)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(h.zoom.sim.state.grants['refresh_token']).toBe(1);
    // The rotated pair is what is stored, and the spent refresh token is gone at Zoom.
    const after = await storedTokens(user);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(h.zoom.sim.state.validRefreshTokens()).toContain(after?.refreshToken);
    expect(h.zoom.sim.state.validRefreshTokens()).not.toContain(before?.refreshToken);
  });

  test('when Zoom refuses the access token once, then one refresh and one retry succeed', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    h.zoom.sim.state.resetCounters();
    h.zoom.sim.state.fail('meetings', { kind: 'invalid_token' });
    const res = await call(user);
    expect(res.status).toBe(200);
    expect(h.zoom.sim.state.grants['refresh_token']).toBe(1);
    expect(h.zoom.sim.state.requests.meetings).toBe(2);
  });

  test('when Zoom refuses even the freshly refreshed token, then the token is deleted and 403', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    h.zoom.sim.state.fail('meetings', { kind: 'invalid_token' }, 2);
    const res = await call(user);
    expect(res.status).toBe(403);
    expect(res.body['code']).toBe('PROVIDER_AUTHORIZATION_REQUIRED');
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).toBeNull();
  });

  test('when the refresh token was revoked at Zoom, then invalid_grant deletes the token and answers 403', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    h.zoom.sim.state.revokeRefreshTokens();
    clock += HOUR_MS;
    const res = await call(user);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${h.app.url}/calls/zoom/register`,
    });
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).toBeNull();
  });

  test('when the refresh fails for a transient reason, then the error is mapped and the token is kept', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    clock += HOUR_MS;
    h.zoom.sim.state.fail('token', { kind: 'reset' });
    const reset = await call(user);
    expect(reset.status).toBe(502);
    expect(reset.body['code']).toBe('PROVIDER_UNAVAILABLE');
    h.zoom.sim.state.fail('token', { kind: 'rate_limited', retryAfter: '9' });
    const limited = await call(user);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');
    const quick = await startShortTimeoutTwin(h, { db, kind: 'zoom', now: () => clock });
    h.zoom.sim.state.fail('token', { kind: 'hang' });
    expect((await api(quick.app, 'POST', '/api/v1/calls', { token: user })).status).toBe(504);
    await quick.close();
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).not.toBeNull();
    expect((await call(user)).status).toBe(200);
  });

  test('when the user disconnects Zoom, then the token is revoked at Zoom and deleted', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    const tokens = await storedTokens(user);
    const res = await api(h.app, 'DELETE', '/api/v1/me/connections/zoom', { token: user });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: 'success', disconnected: true });
    expect(h.zoom.sim.state.revoked).toContain(tokens?.accessToken);
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).toBeNull();
    const me = await api(h.app, 'GET', '/api/v1/me', { token: user });
    expect(me.body).toMatchObject({ connections: { zoom: { connected: false } } });
  });

  test('when revocation fails at Zoom, then the token is deleted anyway', async () => {
    const user = newUser();
    await connectZoom(h.app, user);
    h.zoom.sim.state.fail('revoke', { kind: 'text', status: 500, body: 'oops' });
    const res = await api(h.app, 'DELETE', '/api/v1/me/connections/zoom', { token: user });
    expect(res.status).toBe(200);
    expect(await h.app.store.userTokens.get('zoom', 'acme', userIdOf(user))).toBeNull();
  });

  test('when the connection check runs, then ok because Zoom answers invalid_grant to a made-up token', async () => {
    const res = await api(h.app, 'POST', '/api/v1/orgs/acme/providers/zoom/check', {
      token: h.app.token({ role: 'admin', ttlSeconds: 30 * DAY }),
    });
    expect(res.body).toMatchObject({ status: 'ok' });
    h.zoom.sim.state.fail('token', { kind: 'json', status: 401, body: { error: 'invalid_client' } });
    const bad = await api(h.app, 'POST', '/api/v1/orgs/acme/providers/zoom/check', {
      token: h.app.token({ role: 'admin', ttlSeconds: 30 * DAY }),
    });
    expect(bad.body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
  });

  test('no log line contains a token, a code, the client secret or an authorization header', async () => {
    const all = [
      ...h.zoom.sim.state.validAccessTokens(),
      ...h.zoom.sim.state.validRefreshTokens(),
      ...h.zoom.sim.state.revoked,
    ];
    expect(all.length).toBeGreaterThan(3);
    const logs = h.app.logs.join('\n');
    for (const secret of all) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(ZOOM_CLIENT.clientSecret);
    expect(logs).not.toMatch(/sim_(at|rt|code)_|Bearer |Basic /);
  });

  if (db === 'postgres') {
    test('when two replicas share the database and 50 calls arrive with an expired token, then exactly one refresh', async () => {
      const user = newUser();
      await connectZoom(h.app, user);
      const second = await startZoomHarness({
        db,
        kind: 'zoom',
        now: () => clock,
        zoom: h.zoom,
        databaseUrl: h.app.databaseUrl,
      });
      try {
        clock += HOUR_MS;
        h.zoom.sim.state.resetCounters();
        h.zoom.sim.state.delayMs = 20;
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            api(i % 2 ? second.app : h.app, 'POST', '/api/v1/calls', { token: user, body: {} }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
        expect(h.zoom.sim.state.grants['refresh_token']).toBe(1);
      } finally {
        await second.close();
      }
    });
  }
});

describe('Zoom token encryption keys', () => {
  let h: ZoomHarness;
  beforeAll(async () => {
    h = await startZoomHarness({ db: 'sqlite', kind: 'zoom' });
  });
  afterAll(async () => h.close());

  test('when the key is rotated, then the previous key still decrypts and re-encrypt moves rows to the current key', async () => {
    const user = h.app.token({ userId: 'rotating', ttlSeconds: DAY });
    await connectZoom(h.app, user);
    const oldKeyId = h.app.config.tokenEncryption.current.id;
    const newKey = randomBytes(32).toString('base64');
    let rotated: TestApp | undefined;
    try {
      rotated = await startApp({
        databaseUrl: h.app.databaseUrl,
        env: {
          VIDEO_ZOOM_CLIENT_ID: ZOOM_CLIENT.clientId,
          VIDEO_ZOOM_API_URL: h.zoom.url,
          VIDEO_ZOOM_OAUTH_URL: h.zoom.url,
        },
        secrets: {
          video_zoom_client_secret: ZOOM_CLIENT.clientSecret,
          token_encryption_key: newKey,
          token_encryption_key_previous: TEST_SECRETS.token_encryption_key,
        },
      });
      // The same user's JWT is valid for both apps: they share the identity secret.
      const res = await api(rotated, 'POST', '/api/v1/calls', { token: user, body: {} });
      expect(res.status).toBe(200);
      expect((await rotated.store.userTokens.get('zoom', 'acme', 'rotating'))?.keyId).toBe(oldKeyId);

      const cipher = createTokenCipher(rotated.config.tokenEncryption);
      expect(await reencryptUserTokens(rotated.store.userTokens, cipher, Date.now)).toBe(1);
      const row = await rotated.store.userTokens.get('zoom', 'acme', 'rotating');
      expect(row?.keyId).toBe(rotated.config.tokenEncryption.current.id);
      expect(row?.keyId).not.toBe(oldKeyId);
      // Readable without the old key now.
      const onlyNew = buildConfig({ env: {}, secrets: { ...TEST_SECRETS, token_encryption_key: newKey } });
      expect(row && openTokens(createTokenCipher(onlyNew.tokenEncryption), row).accessToken).toMatch(/^sim_at_/);
      expect(await reencryptUserTokens(rotated.store.userTokens, cipher, Date.now)).toBe(0);
    } finally {
      await rotated?.close();
    }
  });

  test('when a ciphertext is copied to another user, then it does not decrypt', async () => {
    const user = h.app.token({ userId: 'victim', ttlSeconds: DAY });
    await connectZoom(h.app, user);
    const row = await h.app.store.userTokens.get('zoom', 'acme', 'victim');
    if (!row) throw new Error('no row');
    const cipher = createTokenCipher(h.app.config.tokenEncryption);
    expect(() => openTokens(cipher, { ...row, userId: 'thief' })).toThrow();
  });
});
