/**
 * Issue 11, items 6, 7 and 8 at the HTTP level: a malformed path is a 400, a signed link
 * has exactly one valid spelling, and the admin page embeds a credential that only its own
 * API calls accept, for its org, for at most 15 minutes (SPEC §9).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
} from '../src/providers/bigbluebutton/simulator.js';
import { createIdentityVerifier } from '../src/auth/identity.js';
import { api, startApp, type TestApp } from './support/app.js';

describe('a malformed path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app.close());

  test('when a path parameter has a broken percent-escape, then 400 BAD_REQUEST, not 500', async () => {
    const res = await api(app, 'GET', '/api/v1/orgs/%E0%A4%A/settings', { token: app.token() });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'error', code: 'BAD_REQUEST', field: 'path' });
    const patch = await api(app, 'PATCH', '/api/v1/orgs/%ZZ/settings', { token: app.token({ role: 'admin' }) });
    expect(patch.status).toBe(400);
    expect(app.logs.some((line) => line.includes('"level":50'))).toBe(false);
  });
});

describe('BigBlueButton: signed links have one spelling, checks answer in our words', () => {
  const BBB_SECRET = 'bbb-spelling-secret-2f4a9c';
  let bbb: RunningBigBlueButtonSimulator;
  let app: TestApp;
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    app = await startApp({ env: { BIG_BLUE_BUTTON_URL: bbb.url }, secrets: { big_blue_button_secret: BBB_SECRET } });
    const chosen = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: app.token({ role: 'admin' }),
      body: { video_chat_provider: 'big_blue_button' },
    });
    expect(chosen.status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await bbb.close();
  });

  const open = async (search: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${app.url}/calls/bigbluebutton/join?${search}`, {
      headers: { cookie: `callgate_session=${app.token()}` },
      redirect: 'manual',
    });
    return { status: response.status, text: await response.text() };
  };

  test('when a BBB link is respelled (other trailing bits, padding, a stray character), then 400 Invalid signature and BBB is not called', async () => {
    const created = await api(app, 'POST', '/api/v1/calls', { token: app.token() });
    const token = new URL(String(created.body['url'])).searchParams.get('bigbluebutton') ?? '';
    const [body, signature] = token.split('.') as [string, string];
    // 32 bytes take 43 base64url characters; the last one's two low bits carry no data.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = signature.slice(-1);
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    expect(Buffer.from(`${signature.slice(0, -1)}${twin}`, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    const respellings = [
      `bigbluebutton=${body}.${signature.slice(0, -1)}${twin}`,
      `bigbluebutton=${body}.${signature}%3D`,
      `bigbluebutton=${body}.${signature.slice(0, 10)}!${signature.slice(10)}`,
      `bigbluebutton=${body}.${signature}%20`,
      `bigbluebutton=${body}%3D.${signature}`,
    ];
    for (const search of respellings) {
      const res = await open(search);
      expect({ search, status: res.status }).toEqual({ search, status: 400 });
      expect(res.text).toContain('Invalid signature.');
    }
    expect(bbb.sim.state.requests).toHaveLength(0);
    // The spelling that was issued still works.
    expect((await open(`bigbluebutton=${token}`)).status).toBe(302);
  });

  test('when the server answers with a body, a messageKey or a redirect, then the check repeats none of it', async () => {
    const check = () =>
      api(app, 'POST', '/api/v1/orgs/acme/providers/big_blue_button/check', { token: app.token({ role: 'admin' }) });
    const injected = [
      { kind: 'status', status: 500, body: 'upstream-body-marker-1' },
      { kind: 'status', status: 404, body: 'upstream-body-marker-2' },
      { kind: 'failed', messageKey: 'upstreamKeyMarker', message: 'upstream-message-marker' },
      { kind: 'redirect', location: 'https://upstream-location-marker.example/' },
    ] as const;
    for (const failure of injected) {
      bbb.sim.state.inject(failure);
      const res = await check();
      bbb.sim.state.reset();
      expect(res.body).toMatchObject({ result: 'success', status: 'failed' });
      expect(res.text).not.toMatch(/marker/i);
    }
  });
});

describe('the admin page credential', () => {
  let app: TestApp;
  let clock = Date.now();
  beforeAll(async () => {
    app = await startApp({ now: () => clock });
  });
  afterAll(async () => app.close());

  const session = (): string => app.token({ org: 'acme', userId: 'ada', role: 'admin', ttlSeconds: 4 * 3600 });
  const pageToken = async (sessionToken: string): Promise<string> => {
    const response = await fetch(`${app.url}/calls/admin`, { headers: { cookie: `callgate_session=${sessionToken}` } });
    expect(response.status).toBe(200);
    const html = await response.text();
    const match = /<meta name="callgate-token" content="([^"]*)">/.exec(html);
    expect(match).not.toBeNull();
    expect(html).not.toContain(sessionToken);
    return match?.[1] ?? '';
  };

  test('when the admin page is served, then it embeds a page token, not the session JWT, that the host verifier refuses', async () => {
    // The host's tokens are minted on the real clock; the app's clock starts there, then moves.
    clock = Date.now();
    const sessionToken = session();
    const token = await pageToken(sessionToken);
    expect(token).not.toBe(sessionToken);
    const verifier = createIdentityVerifier(app.config.auth, () => clock);
    expect(() => verifier.verify(token)).toThrow();
  });

  test("when the page token is used on the page's own API calls, then they work for its org only", async () => {
    clock = Date.now();
    const token = await pageToken(session());
    expect((await api(app, 'GET', '/api/v1/providers', { token })).status).toBe(200);
    expect((await api(app, 'GET', '/api/v1/orgs/acme/settings', { token })).status).toBe(200);
    expect((await api(app, 'GET', '/api/v1/orgs/acme/audit-log', { token })).status).toBe(200);
    expect((await api(app, 'GET', '/api/v1/orgs/acme/calls/stats', { token })).status).toBe(200);
    const patch = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token,
      body: { video_chat_provider: 'disabled' },
    });
    expect(patch.status).toBe(200);
    expect((await api(app, 'GET', '/api/v1/orgs/globex/settings', { token })).status).toBe(403);
  });

  test('when the page token is used anywhere else, then it is refused', async () => {
    clock = Date.now();
    const token = await pageToken(session());
    expect((await api(app, 'POST', '/api/v1/calls', { token })).status).toBe(401);
    expect((await api(app, 'GET', '/api/v1/me', { token })).status).toBe(401);
    expect((await api(app, 'POST', '/api/v1/session', { token })).status).toBe(401);
    expect((await api(app, 'DELETE', '/api/v1/me/connections/zoom', { token })).status).toBe(401);
    const asCookie = await fetch(`${app.url}/calls/admin`, { headers: { cookie: `callgate_session=${token}` } });
    expect(asCookie.status).toBe(401);
  });

  test('when 15 minutes have passed, then the page token is refused while the session still works', async () => {
    clock = Date.now();
    const sessionToken = session();
    const token = await pageToken(sessionToken);
    clock += 15 * 60 * 1000 - 1000;
    expect((await api(app, 'GET', '/api/v1/orgs/acme/settings', { token })).status).toBe(200);
    clock += 1000;
    const expired = await api(app, 'GET', '/api/v1/orgs/acme/settings', { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await api(app, 'GET', '/api/v1/orgs/acme/settings', { token: sessionToken })).status).toBe(200);
  });

  test('when the session ends sooner than 15 minutes, then the page token ends with it', async () => {
    clock = Date.now();
    const shortSession = app.token({ org: 'acme', userId: 'ada', role: 'admin', ttlSeconds: 120 });
    const token = await pageToken(shortSession);
    clock += 120 * 1000;
    expect((await api(app, 'GET', '/api/v1/orgs/acme/settings', { token })).status).toBe(401);
  });
});
