/** Identity on every API route (SPEC §1): missing, expired, forged, alg none, wrong audience. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { api, startApp, type TestApp } from './support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

const API_ROUTES: Array<[string, string]> = [
  ['POST', '/api/v1/calls'],
  ['GET', '/api/v1/providers'],
  ['GET', '/api/v1/orgs/acme/settings'],
  ['PATCH', '/api/v1/orgs/acme/settings'],
  ['GET', '/api/v1/orgs/acme/audit-log'],
  ['GET', '/api/v1/orgs/acme/calls/stats'],
  ['POST', '/api/v1/orgs/acme/providers/jitsi_meet/check'],
  ['POST', '/api/v1/session'],
  ['DELETE', '/api/v1/session'],
  ['GET', '/api/v1/me'],
];

const claims = { sub: '42', org: 'acme', name: 'Ada', email: 'a@example.com', role: 'owner' };

const badTokens = (): Array<[string, string | undefined]> => [
  ['no token', undefined],
  ['an expired token', app.token({ ttlSeconds: -10 })],
  ['a forged token', jwt.sign(claims, 'f'.repeat(40), { audience: 'callgate', expiresIn: 60 })],
  ['alg none', jwt.sign(claims, '', { algorithm: 'none', audience: 'callgate', expiresIn: 60 })],
  ['a wrong audience', jwt.sign(claims, app.config.auth.jwtSecret ?? '', { audience: 'other', expiresIn: 60 })],
];

describe('every API route', () => {
  test.each(API_ROUTES)(
    'when %s %s is called without a valid token, then 401 UNAUTHORIZED and nothing changes',
    async (method, path) => {
      for (const [, token] of badTokens()) {
        const body = method === 'GET' ? {} : { body: { video_chat_provider: 'disabled' } };
        const res = await api(app, method, path, { ...(token ? { token } : {}), ...body });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ result: 'error', code: 'UNAUTHORIZED' });
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      expect(await app.store.orgSettings.get('acme')).toBeNull();
      expect(await app.store.callRecords.countByDay('acme', { since: 0 })).toEqual([]);
    },
  );

  test('when the session cookie is sent to an API route instead of a Bearer token, then it is not accepted', async () => {
    const res = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      headers: { cookie: `callgate_session=${app.token({ role: 'owner' })}` },
      body: { video_chat_provider: 'disabled' },
    });
    expect(res.status).toBe(401);
    expect(await app.store.orgSettings.get('acme')).toBeNull();
  });

  test('when the Authorization header is not a Bearer, then 401', async () => {
    const res = await api(app, 'GET', '/api/v1/providers', { headers: { authorization: `Basic ${app.token()}` } });
    expect(res.status).toBe(401);
  });
});

describe('POST /api/v1/session', () => {
  test('when called with a Bearer token, then the session cookie is set as SPEC §1 says', async () => {
    const token = app.token({ ttlSeconds: 600 });
    const res = await api(app, 'POST', '/api/v1/session', { token });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`callgate_session=${token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/calls(;|$)/);
    expect(cookie).not.toMatch(/Secure/i);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(590);
    expect(maxAge).toBeLessThanOrEqual(600);
  });

  test('when PUBLIC_URL is https, then the cookie is Secure', async () => {
    const secure = await startApp({ env: { PUBLIC_URL: 'https://calls.example.com' } });
    const res = await api(secure, 'POST', '/api/v1/session', { token: secure.token() });
    expect(res.headers.get('set-cookie')).toMatch(/Secure/i);
    await secure.close();
  });
});

describe('RS256 identity', () => {
  test('when AUTH_JWT_PUBLIC_KEY_FILE is set, then host tokens signed with the private key are accepted', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = join(mkdtempSync(join(tmpdir(), 'callgate-key-')), 'host.pem');
    writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
    const rsApp = await startApp({
      env: { AUTH_JWT_PUBLIC_KEY_FILE: file, AUTH_JWT_ISSUER: 'chat' },
      secrets: { auth_jwt_secret: undefined },
    });
    const good = jwt.sign(claims, privateKey, {
      algorithm: 'RS256',
      audience: 'callgate',
      issuer: 'chat',
      expiresIn: 60,
    });
    const wrongIssuer = jwt.sign(claims, privateKey, {
      algorithm: 'RS256',
      audience: 'callgate',
      issuer: 'x',
      expiresIn: 60,
    });
    expect((await api(rsApp, 'GET', '/api/v1/me', { token: good })).status).toBe(200);
    expect((await api(rsApp, 'GET', '/api/v1/me', { token: wrongIssuer })).status).toBe(401);
    await rsApp.close();
  });
});
