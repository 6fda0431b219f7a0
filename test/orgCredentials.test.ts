/**
 * Per-organization credentials (SPEC §10), HTTP-level on SQLite and PostgreSQL: two
 * organizations on one server each reach their own fake Zoom account and their own fake
 * BigBlueButton server, never each other's and never the server's; roles; no secret in any
 * answer, log line or audit entry; removal; rows bound to their organization.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
} from '../src/providers/bigbluebutton/simulator.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { startMultiAccountZoom, type FakeZoom } from './support/multiAccountZoom.js';

const kinds = await databaseKinds();

const ZOOM_A = { accountId: 'acct-acme', clientId: 'client-acme', clientSecret: 'zoom-secret-acme-5f1c9e7d2b' };
const ZOOM_B = { accountId: 'acct-globex', clientId: 'client-globex', clientSecret: 'zoom-secret-globex-8a3d6e0f4c' };
const BBB_A_SECRET = 'bbb-secret-acme-0d9e8f7a6b5c';
const BBB_B_SECRET = 'bbb-secret-globex-1a2b3c4d5e6f';
const BBB_SERVER_SECRET = 'bbb-secret-server-9f8e7d6c5b4a';
const SECRETS = [ZOOM_A.clientSecret, ZOOM_B.clientSecret, BBB_A_SECRET, BBB_B_SECRET, BBB_SERVER_SECRET];

describe.each(kinds)('organization credentials (%s)', (db) => {
  let app: TestApp;
  let zoom: FakeZoom;
  let bbbA: RunningBigBlueButtonSimulator;
  let bbbB: RunningBigBlueButtonSimulator;
  let bbbServer: RunningBigBlueButtonSimulator;
  /** Every answer body the tests received, to look for secrets at the end. */
  const answers: string[] = [];

  const as = (org: string, role: 'owner' | 'admin' | 'member', userId = `${role}-${org}`) =>
    app.token({ org, role, userId, name: `${role} of ${org}`, email: `${userId}@${org}.example` });
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await api(app, method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(res.text);
    return res;
  };
  const credentials = (org: string, id: string) => `/api/v1/orgs/${org}/providers/${id}/credentials`;
  const select = async (org: string, provider: string) => {
    const res = await call('PATCH', `/api/v1/orgs/${org}/settings`, as(org, 'admin'), {
      video_chat_provider: provider,
    });
    expect(res.status).toBe(200);
  };
  const openLink = async (link: string, org: string) => {
    const target = new URL(link);
    const response = await fetch(`${app.url}${target.pathname}${target.search}`, {
      headers: { cookie: `callgate_session=${as(org, 'member', 'joiner')}` },
      redirect: 'manual',
    });
    answers.push(await response.text());
    return { status: response.status, location: response.headers.get('location') ?? '' };
  };

  beforeAll(async () => {
    zoom = await startMultiAccountZoom([ZOOM_A, ZOOM_B]);
    bbbA = await startBigBlueButtonSimulator({ secret: BBB_A_SECRET });
    bbbB = await startBigBlueButtonSimulator({ secret: BBB_B_SECRET, algorithms: ['sha1', 'sha512'] });
    bbbServer = await startBigBlueButtonSimulator({ secret: BBB_SERVER_SECRET });
    // The server has a BBB of its own but no Zoom account: only the API addresses.
    app = await startApp({
      db,
      env: {
        VIDEO_ZOOM_API_URL: zoom.url,
        VIDEO_ZOOM_OAUTH_URL: zoom.url,
        BIG_BLUE_BUTTON_URL: bbbServer.url,
        CALLS_PER_MINUTE: '0',
        ALLOWED_PRIVATE_UPSTREAM_HOSTS: '127.0.0.1',
      },
      secrets: { big_blue_button_secret: BBB_SERVER_SECRET },
    });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([zoom.close(), bbbA.close(), bbbB.close(), bbbServer.close()]);
  });

  test('when no owner has set any, then GET answers configured:false and the server has no Zoom account', async () => {
    const res = await call('GET', credentials('acme', 'zoom_server_to_server'), as('acme', 'admin'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'success', msg: '', configured: false });
    const settings = await call('GET', '/api/v1/orgs/acme/settings', as('acme', 'member'));
    expect(settings.body['available_video_chat_providers']).not.toContain('zoom_server_to_server');
  });

  test('when each owner brings a Zoom account, then each org reaches its own and never the other', async () => {
    const putA = await call('PUT', credentials('acme', 'zoom_server_to_server'), as('acme', 'owner'), {
      account_id: ZOOM_A.accountId,
      client_id: ZOOM_A.clientId,
      client_secret: ZOOM_A.clientSecret,
    });
    expect(putA.status).toBe(200);
    expect(putA.body).toMatchObject({
      configured: true,
      fields: { account_id: ZOOM_A.accountId, client_id: ZOOM_A.clientId },
      updated_by: { user_id: 'owner-acme', name: 'owner of acme' },
    });
    expect(putA.body['fields']).not.toHaveProperty('client_secret');
    const putB = await call('PUT', credentials('globex', 'zoom_server_to_server'), as('globex', 'owner'), {
      account_id: ZOOM_B.accountId,
      client_id: ZOOM_B.clientId,
      client_secret: ZOOM_B.clientSecret,
    });
    expect(putB.status).toBe(200);
    await select('acme', 'zoom_server_to_server');
    await select('globex', 'zoom_server_to_server');

    const a = await call('POST', '/api/v1/calls', as('acme', 'member'), {});
    const b = await call('POST', '/api/v1/calls', as('globex', 'member'), {});
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(String(a.body['url'])).toContain(`/${ZOOM_A.accountId}/`);
    expect(String(b.body['url'])).toContain(`/${ZOOM_B.accountId}/`);
    expect(zoom.state.tokenRequests).toEqual([
      { ...ZOOM_A, granted: true },
      { ...ZOOM_B, granted: true },
    ]);
    expect(zoom.state.meetings.map((m) => [m.accountId, m.email])).toEqual([
      [ZOOM_A.accountId, 'member-acme@acme.example'],
      [ZOOM_B.accountId, 'member-globex@globex.example'],
    ]);
    // A third org has no account of its own and the server has none: not available.
    const other = await call('GET', '/api/v1/orgs/initech/settings', as('initech', 'member'));
    expect(other.body['available_video_chat_providers']).not.toContain('zoom_server_to_server');
  });

  test('when the connection check runs, then it uses the org’s own account', async () => {
    const before = zoom.state.tokenRequests.length;
    const res = await call('POST', '/api/v1/orgs/globex/providers/zoom_server_to_server/check', as('globex', 'admin'));
    expect(res.body).toMatchObject({ status: 'ok' });
    // The cached token of globex's own account answered; acme's was never asked for.
    expect(zoom.state.tokenRequests.slice(before).every((r) => r.clientId === ZOOM_B.clientId)).toBe(true);
  });

  test('when a PUT leaves the secret out for the same account, then the stored secret is kept', async () => {
    const res = await call('PUT', credentials('acme', 'zoom_server_to_server'), as('acme', 'owner'), {
      account_id: ZOOM_A.accountId,
      client_id: ` ${ZOOM_A.clientId} `,
      client_secret: '',
    });
    expect(res.status).toBe(200);
    const made = await call('POST', '/api/v1/calls', as('acme', 'member'), {});
    expect(made.status).toBe(200);
    expect(zoom.state.meetings.at(-1)?.accountId).toBe(ZOOM_A.accountId);
    // The same set (the id only trimmed): its cached token still serves, no request went out without the secret.
    expect(zoom.state.tokenRequests.every((request) => request.granted)).toBe(true);
    const view = await call('GET', credentials('acme', 'zoom_server_to_server'), as('acme', 'admin'));
    expect(view.body['fields']).toEqual({ account_id: ZOOM_A.accountId, client_id: ZOOM_A.clientId });
  });

  test('when a PUT names another account without its secret, then 400 names the secret and nothing changes', async () => {
    const res = await call('PUT', credentials('acme', 'zoom_server_to_server'), as('acme', 'owner'), {
      account_id: ZOOM_A.accountId,
      client_id: ZOOM_B.clientId,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST' });
    expect(String(res.body['msg'])).toMatch(/^client_secret: required for a new account/);
    const view = await call('GET', credentials('acme', 'zoom_server_to_server'), as('acme', 'admin'));
    expect(view.body['fields']).toEqual({ account_id: ZOOM_A.accountId, client_id: ZOOM_A.clientId });
  });

  test.each([
    [{ account_id: 'x', client_id: 'y' }, /^client_secret: required for a new account/],
    [{ account_id: '', client_id: 'y', client_secret: 'z' }, /^account_id: must not be empty/],
    [{ account_id: 'x', client_id: 'y', client_secret: 'z', colour: 'red' }, /colour/],
    [{ account_id: 5, client_id: 'y', client_secret: 'z' }, /^account_id/],
  ])('when a new account is %j, then 400 names the field and nothing is stored', async (body, message) => {
    const res = await call('PUT', credentials('initech', 'zoom_server_to_server'), as('initech', 'owner'), body);
    expect(res.status).toBe(400);
    expect(String(res.body['msg'])).toMatch(message);
    const view = await call('GET', credentials('initech', 'zoom_server_to_server'), as('initech', 'owner'));
    expect(view.body).toMatchObject({ configured: false });
  });

  test('when callers without the right role or org try, then 403; unknown providers are 404', async () => {
    const body = { account_id: 'x', client_id: 'y', client_secret: 'z' };
    const path = credentials('acme', 'zoom_server_to_server');
    expect((await call('GET', path, as('acme', 'member'))).status).toBe(403);
    expect((await call('PUT', path, as('acme', 'admin'), body)).status).toBe(403);
    expect((await call('DELETE', path, as('acme', 'admin'))).status).toBe(403);
    expect((await call('POST', `${path}/check`, as('acme', 'admin'), body)).status).toBe(403);
    expect((await call('GET', path, as('globex', 'owner'))).status).toBe(403);
    expect((await call('PUT', path, as('globex', 'owner'), body)).status).toBe(403);
    expect((await call('PUT', credentials('acme', 'zoom'), as('acme', 'owner'), body)).status).toBe(404);
    expect((await call('PUT', credentials('acme', 'nope'), as('acme', 'owner'), body)).status).toBe(404);
    expect((await api(app, 'GET', path)).status).toBe(401);
    const view = await call('GET', path, as('acme', 'admin'));
    expect(view.body['fields']).toEqual({ account_id: ZOOM_A.accountId, client_id: ZOOM_A.clientId });
  });

  test('when each owner brings a BigBlueButton server, then each link opens on its own server only', async () => {
    const putA = await call('PUT', credentials('acme', 'big_blue_button'), as('acme', 'owner'), {
      url: bbbA.url,
      secret: BBB_A_SECRET,
    });
    expect(putA.status).toBe(200);
    expect(putA.body['fields']).toEqual({ url: bbbA.url, checksum_algorithm: 'sha256' });
    const putB = await call('PUT', credentials('globex', 'big_blue_button'), as('globex', 'owner'), {
      url: `${bbbB.url}api/`,
      secret: ` ${BBB_B_SECRET} `,
      checksum_algorithm: 'SHA512',
    });
    expect(putB.status).toBe(200);
    await select('acme', 'big_blue_button');
    await select('globex', 'big_blue_button');

    const linkA = String((await call('POST', '/api/v1/calls', as('acme', 'member'), {})).body['url']);
    const linkB = String((await call('POST', '/api/v1/calls', as('globex', 'member'), {})).body['url']);
    const joinA = await openLink(linkA, 'acme');
    const joinB = await openLink(linkB, 'globex');
    expect(joinA.status).toBe(302);
    expect(joinB.status).toBe(302);
    expect(joinA.location.startsWith(`${bbbA.url}api/join?`)).toBe(true);
    expect(joinB.location.startsWith(`${bbbB.url}api/join?`)).toBe(true);
    // Each server saw only correctly signed requests with its own secret; the server's none.
    for (const sim of [bbbA, bbbB]) {
      expect(sim.sim.state.requests.map((r) => [r.call, r.checksumValid])).toEqual([['create', true]]);
    }
    expect(bbbServer.sim.state.requests).toEqual([]);
    // A link of one org opened by another is refused before any server is asked.
    expect((await openLink(linkA, 'globex')).status).toBe(403);
    expect(bbbB.sim.state.requests).toHaveLength(1);
  });

  test('when the owner checks credentials live, then the answer says ok or why, and nothing is stored', async () => {
    const path = `${credentials('initech', 'big_blue_button')}/check`;
    const good = await call('POST', path, as('initech', 'owner'), { url: bbbA.url, secret: BBB_A_SECRET });
    expect(good.body).toMatchObject({ status: 'ok' });
    const bad = await call('POST', path, as('initech', 'owner'), { url: bbbA.url, secret: 'wrong-secret' });
    expect(bad.body).toMatchObject({ status: 'failed', reason: 'bad_secret' });
    const zoomBad = await call(
      'POST',
      `${credentials('initech', 'zoom_server_to_server')}/check`,
      as('initech', 'owner'),
      {
        ...{ account_id: ZOOM_A.accountId, client_id: ZOOM_A.clientId, client_secret: 'not-it' },
      },
    );
    expect(zoomBad.body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
    const view = await call('GET', credentials('initech', 'big_blue_button'), as('initech', 'owner'));
    expect(view.body).toMatchObject({ configured: false });
  });

  test('when the owner deletes the selected provider’s credentials, then calls get PROVIDER_NOT_CONFIGURED, never the server’s BBB', async () => {
    const del = await call('DELETE', credentials('acme', 'big_blue_button'), as('acme', 'owner'));
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ configured: false });
    const res = await call('POST', '/api/v1/calls', as('acme', 'member'), {});
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
    const settings = await call('GET', '/api/v1/orgs/acme/settings', as('acme', 'member'));
    expect(settings.body['video_chat_provider']).toBe('big_blue_button');
    expect(settings.body['available_video_chat_providers']).not.toContain('big_blue_button');
    expect(bbbServer.sim.state.requests).toEqual([]);
    // Once the org moves to another provider, choosing BBB again is choosing the server's.
    await select('acme', 'jitsi_meet');
    await select('acme', 'big_blue_button');
    const link = String((await call('POST', '/api/v1/calls', as('acme', 'member'), {})).body['url']);
    expect((await openLink(link, 'acme')).location.startsWith(`${bbbServer.url}api/join?`)).toBe(true);
  });

  test('when a sealed row is copied to another organization, then it does not decrypt there and is not used', async () => {
    const [row] = (await app.store.orgCredentials.listOf('globex')).filter((r) => r.provider === 'big_blue_button');
    expect(row).toBeDefined();
    if (!row) return;
    await app.store.orgCredentials.save(
      { ...row, org: 'hooli' },
      { org: 'hooli', actorUserId: 'test', actorName: 'test', action: 'test.copy', changes: {} },
    );
    const view = await call('GET', credentials('hooli', 'big_blue_button'), as('hooli', 'owner'));
    expect(view.body).toMatchObject({ configured: false });
    const settings = await call('GET', '/api/v1/orgs/hooli/settings', as('hooli', 'member'));
    // Not the copied server, and not the server's BBB either.
    expect(settings.body['available_video_chat_providers']).not.toContain('big_blue_button');
    expect(app.logs.some((line) => line.includes('do not decrypt'))).toBe(true);
  });

  test('when everything above ran, then no secret is in any answer, log line or audit entry', async () => {
    const audit = await call('GET', '/api/v1/orgs/acme/audit-log?limit=200', as('acme', 'owner'));
    const entries = audit.body['entries'] as Array<{ action: string; actor: { user_id: string } }>;
    expect(entries.filter((e) => e.action === 'credentials.update').map((e) => e.actor.user_id)).toContain(
      'owner-acme',
    );
    expect(entries.some((e) => e.action === 'credentials.delete')).toBe(true);
    const globexAudit = await call('GET', '/api/v1/orgs/globex/audit-log?limit=200', as('globex', 'owner'));
    const haystacks = [...answers, ...app.logs, audit.text, globexAudit.text];
    for (const secret of SECRETS) {
      expect(haystacks.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
