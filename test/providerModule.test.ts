/**
 * Adding a provider is one module: a made-up OAuth provider (test/support/acmeVideo.ts),
 * added to the module list with no other change, is listed, authorizes, creates calls and
 * is documented — on both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SESSION_COOKIE } from '../src/auth/middleware.js';
import { PROVIDER_MODULES } from '../src/providers/modules.js';
import { ACME_CLIENT, acmeVideoModule, startAcmeUpstream } from './support/acmeVideo.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

describe.each(kinds)('a provider module added by a test (%s)', (db) => {
  let app: TestApp;
  let upstream: Awaited<ReturnType<typeof startAcmeUpstream>>;
  beforeAll(async () => {
    upstream = await startAcmeUpstream();
    app = await startApp({
      db,
      modules: [...PROVIDER_MODULES, acmeVideoModule],
      env: { VIDEO_ACME_CLIENT_ID: ACME_CLIENT.id, VIDEO_ACME_URL: upstream.url },
      secrets: { video_acme_client_secret: ACME_CLIENT.secret },
    });
  });
  afterAll(async () => {
    await app.close();
    await upstream.close();
  });

  test('when providers are listed, then it is there, available, with its capabilities', async () => {
    const res = await api(app, 'GET', '/api/v1/providers', { token: app.token() });
    expect(res.status).toBe(200);
    expect(res.body['providers']).toContainEqual({
      id: 'acme_video',
      name: 'Acme Video',
      available: true,
      capabilities: { voice_only: false, requires_user_authorization: true },
    });
  });

  test('when a user registers, completes and creates a call, then the call is made at the provider with their token', async () => {
    const admin = app.token({ org: 'acme-org', userId: 'a-1', role: 'admin' });
    const chosen = await api(app, 'PATCH', '/api/v1/orgs/acme-org/settings', {
      token: admin,
      body: { video_chat_provider: 'acme_video' },
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body['available_video_chat_providers']).toContain('acme_video');

    const user = app.token({ org: 'acme-org', userId: 'u-7' });
    const before = await api(app, 'POST', '/api/v1/calls', { token: user, body: {} });
    expect(before.status).toBe(403);
    expect(before.body).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${app.url}/calls/acme/register`,
      provider: 'acme_video',
    });

    const cookie = `${SESSION_COOKIE}=${user}`;
    const register = await fetch(`${app.url}/calls/acme/register`, { headers: { cookie }, redirect: 'manual' });
    expect(register.status).toBe(302);
    const authorize = new URL(register.headers.get('location') ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${upstream.url}/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/calls/acme/complete`);
    expect(authorize.searchParams.get('scope')).toBe('meetings:write');

    const approved = await fetch(authorize, { redirect: 'manual' });
    const complete = await fetch(approved.headers.get('location') ?? '', { headers: { cookie }, redirect: 'manual' });
    expect(complete.status).toBe(200);
    expect(await complete.text()).toContain('acme_video_token');

    const me = await api(app, 'GET', '/api/v1/me', { token: user });
    expect(me.body['connections']).toMatchObject({ acme_video: { connected: true } });

    const call = await api(app, 'POST', '/api/v1/calls', { token: user, body: { meeting_name: 'standup' } });
    expect(call.status).toBe(200);
    expect(call.body).toMatchObject({ provider: 'acme_video', is_video_call: true });
    expect(upstream.meetings).toHaveLength(1);
    const open = await fetch(String(call.body['url']), { headers: { cookie }, redirect: 'manual' });
    expect(open.status).toBe(302);
    expect(open.headers.get('location')).toBe(`${upstream.url}/m/${upstream.meetings[0]}`);
  });

  test('when /openapi.json is read, then its routes and its per-user authorization routes are documented', async () => {
    const doc = (await api(app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths['/calls/acme/meetings/{id}']?.['get']).toBeDefined();
    expect(doc.paths['/calls/acme/register']?.['get']).toBeDefined();
    expect(doc.paths['/calls/acme/complete']?.['get']).toBeDefined();
    expect(doc.paths['/api/v1/me/connections/acme_video']?.['delete']).toBeDefined();
    expect(JSON.stringify(doc.paths['/api/v1/providers'])).toContain('"acme_video"');
  });
});
