import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Router } from 'express';
import { PAGE_CSP } from '../src/web/layout.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

function meta(html: string, name: string): string | undefined {
  return new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1];
}

describe.each(kinds)('local mode web pages (%s)', (db) => {
  let app: TestApp;
  let assetsDir: string;
  beforeAll(async () => {
    assetsDir = mkdtempSync(join(tmpdir(), 'callgate-assets-'));
    writeFileSync(join(assetsDir, 'demo.js'), 'export {};\n');
    writeFileSync(join(assetsDir, 'callgate.css'), 'body{}\n');
    const simulator = Router();
    simulator.get('/ping', (_req, res) => {
      res.json({ simulator: 'pong' });
    });
    app = await startApp({
      db,
      mode: 'local',
      appOptions: { assetsDir, localRouters: [{ path: '/_simulators/test', router: simulator }] },
    });
  });
  afterAll(async () => {
    await app.close();
    rmSync(assetsDir, { recursive: true, force: true });
  });

  test('when /demo is opened, then the page comes with the strict CSP, no caching and versioned assets', async () => {
    const res = await api(app, 'GET', '/demo');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(res.text).not.toMatch(/\sstyle=|\son[a-z]+=/);
    const script = /<script type="module" src="(\/assets\/[0-9a-f]{16}\/demo\.js)">/.exec(res.text)?.[1];
    expect(script).toBeDefined();

    const asset = await fetch(`${app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('export {};\n');
    expect((await fetch(`${app.url}/assets/0000000000000000/demo.js`)).status).toBe(404);
  });

  test('when someone signs in on the demo, then a token for that org, user and role is answered and works', async () => {
    const res = await api(app, 'POST', '/demo/session', {
      body: { org: 'acme', user_id: 'u-1', name: 'Ada Lovelace', role: 'owner' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: 'success', msg: '', expires_at: expect.any(String) });
    const token = String(res.body['token']);
    expect(app.services.verifier.verify(token)).toMatchObject({
      org: 'acme',
      userId: 'u-1',
      name: 'Ada Lovelace',
      role: 'owner',
      email: 'u-1@acme.example',
    });
    const call = await api(app, 'POST', '/api/v1/calls', { token, body: {} });
    expect(call.status).toBe(200);
    expect(call.body['provider']).toBe('jitsi_meet');
  });

  test.each([
    [{ org: 'Not Valid', user_id: '1', name: 'A', role: 'admin' }, 'org'],
    [{ org: 'acme', user_id: '', name: 'A', role: 'admin' }, 'user_id'],
    [{ org: 'acme', user_id: '1', name: 'A', role: 'superuser' }, 'role'],
    [{ org: 'acme', user_id: '1', role: 'admin' }, 'name'],
    [{ org: 'acme', user_id: '1', name: 'A', role: 'admin', extra: true }, 'extra'],
  ])('when the demo sign-in gets %j, then 400 names %s', async (body, field) => {
    const res = await api(app, 'POST', '/demo/session', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'error', code: 'BAD_REQUEST' });
    expect(String(res.body['msg'])).toMatch(new RegExp(`^${field}: `));
  });

  test('when the demo sign-in is not JSON, then it is refused with 400', async () => {
    const res = await api(app, 'POST', '/demo/session', {
      rawBody: 'org=acme&user_id=1&name=A&role=owner',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', msg: 'body: must be JSON (Content-Type: application/json)' });
  });

  test('when HOST_ORIGIN is not set, then local mode takes its own origin as the host (the Zoom popup posts there)', () => {
    expect(app.config.hostOrigin).toBe(new URL(app.url).origin);
  });

  test('when a local router is given, then local mode mounts it', async () => {
    const res = await api(app, 'GET', '/_simulators/test/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ simulator: 'pong' });
  });
});

describe('production mode web pages', () => {
  let app: TestApp;
  beforeAll(async () => {
    const simulator = Router();
    simulator.get('/ping', (_req, res) => {
      res.json({ simulator: 'pong' });
    });
    app = await startApp({ appOptions: { localRouters: [{ path: '/_simulators/test', router: simulator }] } });
  });
  afterAll(async () => app.close());

  test.each([
    ['GET', '/demo'],
    ['POST', '/demo/session'],
    ['GET', '/_simulators/test/ping'],
  ])('when %s %s is asked for outside local mode, then it does not exist (404)', async (method, path) => {
    const res = await api(app, method, path, {
      body: method === 'POST' ? { org: 'acme', user_id: '1', name: 'A', role: 'owner' } : undefined,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ result: 'error', code: 'NOT_FOUND' });
  });

  test('when /admin is opened, then it redirects to /calls/admin where the session cookie is sent', async () => {
    const res = await api(app, 'GET', '/admin');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/calls/admin');
  });

  test('when /calls/admin is opened without a session, then a 401 sign-in page is answered', async () => {
    const res = await api(app, 'GET', '/calls/admin');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Please sign in');
  });

  test('when /calls/admin has an invalid session cookie, then it is refused with 401', async () => {
    const res = await api(app, 'GET', '/calls/admin', { headers: { cookie: 'callgate_session=not-a-jwt' } });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('callgate-token');
  });

  test('when an admin opens /calls/admin, then the page embeds a page token (not their session) under a strict CSP and no caching', async () => {
    const token = app.token({ role: 'admin', name: 'Ada <script>alert(1)</script>' });
    const res = await api(app, 'GET', '/calls/admin', { headers: { cookie: `callgate_session=${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // SPEC §9: not the session JWT, but a token the page's own API calls accept.
    const pageToken = meta(res.text, 'callgate-token');
    expect(pageToken).not.toBe(token);
    expect(res.text).not.toContain(token);
    expect((await api(app, 'GET', '/api/v1/orgs/acme/settings', { token: pageToken })).status).toBe(200);
    expect(meta(res.text, 'callgate-org')).toBe('acme');
    expect(meta(res.text, 'callgate-role')).toBe('admin');
    expect(res.text).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('read-only-note');
    expect(res.text).toMatch(/<script type="module" src="\/assets\/[^/"]+\/admin\.js"><\/script>/);
    expect(res.text).toContain('id="audit"');
  });

  test('when a member opens /calls/admin, then controls are disabled, a note says why, and admin data is not offered', async () => {
    const token = app.token({ role: 'member' });
    const res = await api(app, 'GET', '/calls/admin', { headers: { cookie: `callgate_session=${token}` } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="read-only-note"');
    expect(res.text).toContain('<fieldset id="provider-fieldset" disabled>');
    expect(res.text).not.toContain('id="audit"');
    expect(res.text).not.toContain('id="stats"');
    const patch = await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token,
      body: { video_chat_provider: 'disabled' },
    });
    expect(patch.status).toBe(403);
    expect(patch.body['code']).toBe('FORBIDDEN');
  });
});
