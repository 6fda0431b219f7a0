/** Organization settings, audit log and providers (SPEC §3). */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

describe.each(kinds)('organization settings (%s)', (db) => {
  let app: TestApp;
  let admin: string;
  let member: string;
  beforeEach(async () => {
    app = await startApp({ db, env: { JITSI_SERVER_URL: 'https://meet.example.org' } });
    admin = app.token({ role: 'admin', userId: '1', name: 'Ada Admin' });
    member = app.token({ role: 'member', userId: '2' });
  });
  afterEach(async () => app.close());

  const settings = (token: string, org = 'acme') => api(app, 'GET', `/api/v1/orgs/${org}/settings`, { token });
  const patch = (token: string, body: unknown, org = 'acme') =>
    api(app, 'PATCH', `/api/v1/orgs/${org}/settings`, { token, body });

  test('when an org is new, then its provider is jitsi_meet with the server URL', async () => {
    const res = await settings(member);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      result: 'success',
      msg: '',
      video_chat_provider: 'jitsi_meet',
      jitsi_server_url: null,
      server_jitsi_server_url: 'https://meet.example.org',
      available_video_chat_providers: ['disabled', 'jitsi_meet'],
    });
  });

  test('when the server has no Jitsi URL, then a new org starts disabled and Jitsi is unavailable with a reason', async () => {
    const noJitsi = await startApp({ db, env: { JITSI_SERVER_URL: '' } });
    const token = noJitsi.token();
    expect((await api(noJitsi, 'GET', '/api/v1/orgs/acme/settings', { token })).body['video_chat_provider']).toBe(
      'disabled',
    );
    const providers = await api(noJitsi, 'GET', '/api/v1/providers', { token });
    expect(providers.body['providers']).toContainEqual({
      id: 'jitsi_meet',
      name: 'Jitsi Meet',
      available: false,
      reason: 'Jitsi server URL has not been configured',
      capabilities: { voice_only: true, requires_user_authorization: false },
    });
    await noJitsi.close();
  });

  test('when an admin changes the provider and Jitsi URL, then the new settings are answered, served, and audited', async () => {
    const res = await patch(admin, { jitsi_server_url: 'https://jitsi.acme.test/rooms/' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      video_chat_provider: 'jitsi_meet',
      jitsi_server_url: 'https://jitsi.acme.test/rooms',
    });
    const call = await api(app, 'POST', '/api/v1/calls', { token: member });
    expect(String(call.body['url'])).toMatch(/^https:\/\/jitsi\.acme\.test\/rooms\/[a-z0-9]{20}#/);

    expect((await patch(admin, { video_chat_provider: 'disabled' })).body['video_chat_provider']).toBe('disabled');
    const disabled = await api(app, 'POST', '/api/v1/calls', { token: member });
    expect(disabled.status).toBe(403);
    expect(disabled.body).toMatchObject({ code: 'CALLS_DISABLED' });

    const log = await api(app, 'GET', '/api/v1/orgs/acme/audit-log', { token: admin });
    expect(log.status).toBe(200);
    expect(log.body['entries']).toEqual([
      expect.objectContaining({
        actor: { user_id: '1', name: 'Ada Admin' },
        changes: { video_chat_provider: { from: 'jitsi_meet', to: 'disabled' } },
      }),
      expect.objectContaining({ changes: { jitsi_server_url: { from: null, to: 'https://jitsi.acme.test/rooms' } } }),
    ]);
  });

  test('when the Jitsi URL is reset with "default" or null, then the server URL is used again', async () => {
    await patch(admin, { jitsi_server_url: 'https://jitsi.acme.test' });
    expect((await patch(admin, { jitsi_server_url: 'default' })).body['jitsi_server_url']).toBeNull();
    await patch(admin, { jitsi_server_url: 'https://jitsi.acme.test' });
    expect((await patch(admin, { jitsi_server_url: null })).body['jitsi_server_url']).toBeNull();
  });

  test('when an owner patches with nothing new, then nothing is audited', async () => {
    const owner = app.token({ role: 'owner' });
    expect((await patch(owner, { video_chat_provider: 'jitsi_meet' })).status).toBe(200);
    expect((await patch(owner, {})).status).toBe(200);
    expect((await api(app, 'GET', '/api/v1/orgs/acme/audit-log', { token: owner })).body['entries']).toEqual([]);
  });

  test.each([
    ['a member', () => ({ token: member, org: 'acme' })],
    ['a guest', () => ({ token: app.token({ role: 'guest' }), org: 'acme' })],
    ['an admin of another org', () => ({ token: app.token({ role: 'admin', org: 'globex' }), org: 'acme' })],
  ])('when %s tries to change settings, then 403 FORBIDDEN and nothing changes', async (_who, who) => {
    const { token, org } = who();
    const res = await patch(token, { video_chat_provider: 'disabled' }, org);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ result: 'error', code: 'FORBIDDEN' });
    expect(await app.store.orgSettings.get('acme')).toBeNull();
    expect((await api(app, 'GET', `/api/v1/orgs/${org}/audit-log`, { token })).status).toBe(403);
  });

  test('when a user reads another org, then 403', async () => {
    expect((await settings(app.token({ org: 'globex' }))).status).toBe(403);
  });

  test.each([
    [{ video_chat_provider: 'skype' }, 'video_chat_provider'],
    [{ video_chat_provider: 'zoom' }, 'video_chat_provider'],
    [{ video_chat_provider: 'big_blue_button' }, 'video_chat_provider'],
    [{ video_chat_provider: 7 }, 'video_chat_provider'],
    [{ jitsi_server_url: 'javascript:alert(1)' }, 'jitsi_server_url'],
    [{ jitsi_server_url: 'ftp://jitsi.example.com' }, 'jitsi_server_url'],
    [{ jitsi_server_url: '/relative' }, 'jitsi_server_url'],
    [{ jitsi_server_url: 'http://jitsi.example.com' }, 'jitsi_server_url'],
    [{ jitsi_server_url: `https://j.example.com/${'a'.repeat(300)}` }, 'jitsi_server_url'],
    [{ jitsi_server_url: 42 }, 'jitsi_server_url'],
    [{ colour: 'red' }, 'colour'],
    [[1, 2], 'body'],
    ['just a string', 'body'],
  ])('when the body is %j, then 400 BAD_REQUEST naming %s and nothing changes', async (body, field) => {
    const res = await patch(admin, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'error', code: 'BAD_REQUEST' });
    expect(String(res.body['msg'])).toContain(field);
    expect(await app.store.orgSettings.get('acme')).toBeNull();
  });

  test('when the org id in the path is malformed, then 400', async () => {
    expect((await api(app, 'GET', '/api/v1/orgs/ACME!/settings', { token: admin })).status).toBe(400);
  });

  test('when the audit log query is bad, then 400 naming it', async () => {
    const res = await api(app, 'GET', '/api/v1/orgs/acme/audit-log?limit=abc', { token: admin });
    expect(res.status).toBe(400);
    expect(String(res.body['msg'])).toContain('limit');
    expect((await api(app, 'GET', '/api/v1/orgs/acme/audit-log?evil=1', { token: admin })).status).toBe(400);
  });

  test('when an admin asks for call statistics, then calls are counted per day and provider', async () => {
    await api(app, 'POST', '/api/v1/calls', { token: member });
    await api(app, 'POST', '/api/v1/calls', { token: member, body: { is_video_call: false } });
    const res = await api(app, 'GET', '/api/v1/orgs/acme/calls/stats?days=7', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body['counts']).toEqual([
      { day: new Date().toISOString().slice(0, 10), provider: 'jitsi_meet', count: 2 },
    ]);
    expect((await api(app, 'GET', '/api/v1/orgs/acme/calls/stats', { token: member })).status).toBe(403);
  });

  test('when a connection test names an unknown provider, then 404; an unavailable one reports not_configured', async () => {
    expect((await api(app, 'POST', '/api/v1/orgs/acme/providers/skype/check', { token: admin })).status).toBe(404);
    const res = await api(app, 'POST', '/api/v1/orgs/acme/providers/big_blue_button/check', { token: admin });
    expect(res.body).toMatchObject({ status: 'failed', reason: 'not_configured' });
    expect((await api(app, 'POST', '/api/v1/orgs/acme/providers/jitsi_meet/check', { token: member })).status).toBe(
      403,
    );
  });
});
