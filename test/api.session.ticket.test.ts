/**
 * One-time session tickets (SPEC §1) for frontends on another site: issued with the Bearer
 * token, accepted once by any `GET /calls/...` URL in place of the cookie, within 60 s, by
 * any replica sharing the database. Also the served browser client and the popup pages'
 * opener policy that the cross-origin popup relies on.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitTicket } from '../src/routes/sessionTicket.js';
import { startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  location: string | null;
  cookie: string | null;
}

async function call(url: string, options: { method?: string; bearer?: string; cookie?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  if (options.cookie) headers['cookie'] = `callgate_session=${options.cookie}`;
  const response = await fetch(url, { method: options.method ?? 'GET', headers, redirect: 'manual' });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return {
    status: response.status,
    headers: response.headers,
    body,
    location: response.headers.get('location'),
    cookie: response.headers.get('set-cookie'),
  };
}

async function issue(app: TestApp, token: string): Promise<string> {
  const answer = await call(`${app.url}/api/v1/session/ticket`, { method: 'POST', bearer: token });
  expect(answer.status).toBe(200);
  return String(answer.body['ticket']);
}

describe.each(kinds)('session tickets (%s)', (db) => {
  let clock = Date.now();
  let app: TestApp;
  let replica: TestApp;
  beforeAll(async () => {
    app = await startApp({ db, now: () => clock, env: { HOST_ORIGIN: 'https://chat.example' } });
    replica = await startApp({ db, databaseUrl: app.databaseUrl, now: () => clock });
  });
  afterAll(async () => {
    await replica.close();
    await app.close();
  });

  test('when a ticket is asked for without a Bearer token, then 401 UNAUTHORIZED', async () => {
    const answer = await call(`${app.url}/api/v1/session/ticket`, { method: 'POST' });
    expect([answer.status, answer.body['code']]).toEqual([401, 'UNAUTHORIZED']);
  });

  test('when a ticket is issued, then it is random, valid 60 s, and never cached', async () => {
    const token = app.token();
    const first = await call(`${app.url}/api/v1/session/ticket`, { method: 'POST', bearer: token });
    const second = await call(`${app.url}/api/v1/session/ticket`, { method: 'POST', bearer: token });
    expect(first.body).toEqual({
      result: 'success',
      msg: '',
      ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_in: 60,
    });
    expect(second.body['ticket']).not.toBe(first.body['ticket']);
    expect(first.headers.get('cache-control')).toBe('no-store');
  });

  test('when the frontend at HOST_ORIGIN asks for a ticket, then CORS lets its script read the answer and Retry-After', async () => {
    const response = await fetch(`${app.url}/api/v1/session/ticket`, {
      method: 'POST',
      headers: { origin: 'https://chat.example', authorization: `Bearer ${app.token()}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('when a /calls/ URL carries a ticket, then it sets the session cookie once and redirects to the URL without it', async () => {
    const token = app.token({ userId: 'ticket-user', role: 'admin' });
    const ticket = await issue(app, token);
    const first = await call(`${app.url}/calls/admin?ticket=${ticket}`);
    expect(first.status).toBe(302);
    expect(first.location).toBe(`${app.url}/calls/admin`);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.cookie).toMatch(
      new RegExp(
        `^callgate_session=${token.replace(/\./g, '\\.')}; Max-Age=\\d+; Path=/calls; Expires=[^;]+; HttpOnly; SameSite=Lax$`,
      ),
    );
    // The cookie it set opens the page.
    expect((await call(`${app.url}/calls/admin`, { cookie: token })).status).toBe(200);

    // Single use: the same ticket again only loses the parameter.
    const again = await call(`${app.url}/calls/admin?ticket=${ticket}`);
    expect([again.status, again.location, again.cookie]).toEqual([302, `${app.url}/calls/admin`, null]);
  });

  test('when a ticket issued by one replica is used at another, then it is accepted there, once', async () => {
    const token = app.token({ userId: 'replica-user' });
    const ticket = await issue(app, token);
    const there = await call(`${replica.url}/calls/zoom/register?ticket=${ticket}`);
    expect(there.cookie).toContain(`callgate_session=${token};`);
    expect(there.location).toBe(`${replica.url}/calls/zoom/register`);
    expect((await call(`${app.url}/calls/zoom/register?ticket=${ticket}`)).cookie).toBeNull();
  });

  test('when 60 s have passed, then the ticket is refused', async () => {
    const ticket = await issue(app, app.token({ userId: 'late-user' }));
    clock += 60_000;
    try {
      const late = await call(`${app.url}/calls/admin?ticket=${ticket}`);
      expect([late.status, late.cookie]).toEqual([302, null]);
    } finally {
      clock -= 60_000;
    }
  });

  test('when other parameters surround the ticket, then they are kept byte for byte (signed links)', async () => {
    const ticket = await issue(app, app.token());
    const answer = await call(`${app.url}/calls/bigbluebutton/join?bigbluebutton=a%2Eb~c+d&ticket=${ticket}&x=1`);
    expect(answer.location).toBe(`${app.url}/calls/bigbluebutton/join?bigbluebutton=a%2Eb~c+d&x=1`);
    expect(answer.cookie).not.toBeNull();
  });

  test('when the ticket is malformed or unknown, then nothing is set and the URL loses it', async () => {
    for (const bad of ['', 'x', '%E0%A4%A', 'A'.repeat(43)]) {
      const answer = await call(`${app.url}/calls/admin?ticket=${bad}`);
      expect([answer.status, answer.location, answer.cookie]).toEqual([302, `${app.url}/calls/admin`, null]);
    }
  });

  test('when a ticket is sent to a state-changing route, then it is not redeemed', async () => {
    const ticket = await issue(app, app.token());
    const posted = await call(`${app.url}/calls/zoom/deauthorize?ticket=${ticket}`, { method: 'POST' });
    expect(posted.cookie).toBeNull();
    // Still unused, so a navigation may redeem it.
    expect((await call(`${app.url}/calls/admin?ticket=${ticket}`)).cookie).not.toBeNull();
  });
});

describe('splitTicket', () => {
  test.each([
    ['/calls/admin', null],
    ['/calls/admin?x=1', null],
    ['/calls/admin?ticket=abc', { ticket: 'abc', rest: '/calls/admin' }],
    ['/calls/a?ticket=one&ticket=two&y=%2F', { ticket: 'one', rest: '/calls/a?y=%2F' }],
    ['/calls/a?ticket', { ticket: null, rest: '/calls/a' }],
    ['/calls/a?&ticket=t&', { ticket: 't', rest: '/calls/a' }],
  ])('when the URL is %s, then %j', (url, expected) => {
    expect(splitTicket(url)).toEqual(expected);
  });
});

describe('the served browser client and the popup pages', () => {
  let app: TestApp;
  let clientDir: string;
  beforeAll(async () => {
    clientDir = mkdtempSync(join(tmpdir(), 'callgate-client-'));
    writeFileSync(join(clientDir, 'callgate.js'), 'export const built = true;\n');
    writeFileSync(join(clientDir, 'callgate.d.ts'), 'export declare const built: boolean;\n');
    writeFileSync(join(clientDir, 'callgate.ts'), 'export const built = true;\n');
    writeFileSync(join(clientDir, '.tsbuildinfo'), '{}');
    app = await startApp({ appOptions: { clientDir } });
  });
  afterAll(async () => {
    await app.close();
    rmSync(clientDir, { recursive: true, force: true });
  });

  test('when a page of another origin imports the client, then it gets the module with CORS and CORP allowing it', async () => {
    const response = await fetch(`${app.url}/client/callgate.js`, { headers: { origin: 'https://chat.example' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('export const built = true;\n');
    expect(response.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const types = await fetch(`${app.url}/client/callgate.d.ts`);
    expect([types.status, types.headers.get('content-type')]).toEqual([200, 'text/plain; charset=utf-8']);
  });

  test('when anything but a module or its types is asked for, then 404', async () => {
    for (const path of [
      '/client/../package.json',
      '/client/callgate.ts',
      '/client/.tsbuildinfo',
      '/client/',
      '/client/x.js',
    ]) {
      const answer = await call(`${app.url}${path}`);
      expect([path, answer.status]).toEqual([path, 404]);
    }
  });

  test('when the client was not built, then 404 says so', async () => {
    const unbuilt = await startApp({ appOptions: { clientDir: join(clientDir, 'missing') } });
    try {
      const answer = await call(`${unbuilt.url}/client/callgate.js`);
      expect([answer.status, answer.body['msg']]).toEqual([
        404,
        'The browser client has not been built (npm run build)',
      ]);
    } finally {
      await unbuilt.close();
    }
  });

  test('when the popup pages are served, then they keep window.opener for a cross-origin opener; other pages do not', async () => {
    const popup = await call(`${app.url}/calls/zoom/register`);
    expect(popup.headers.get('cross-origin-opener-policy')).toBe('unsafe-none');
    const complete = await call(`${app.url}/calls/zoom/complete`);
    expect(complete.headers.get('cross-origin-opener-policy')).toBe('unsafe-none');
    const admin = await call(`${app.url}/calls/admin`);
    expect(admin.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
  });
});
