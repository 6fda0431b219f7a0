import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
} from '../src/providers/bigbluebutton/simulator.js';
import type { MintOptions } from '../src/auth/identity.js';
import { escapeHtml } from '../src/web/html.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

const BBB_SECRET = 'bbb-shared-secret-7c1f0e2a9d4b';
// Long enough that a loaded machine never turns a normal answer into a timeout.
const TIMEOUT_MS = 1000;

async function startBbbApp(db: 'sqlite' | 'postgres', url: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startApp({
    db,
    env: { BIG_BLUE_BUTTON_URL: url, UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), ...env },
    secrets: { big_blue_button_secret: BBB_SECRET },
  });
}

async function chooseBigBlueButton(app: TestApp, org = 'acme'): Promise<void> {
  const res = await api(app, 'PATCH', `/api/v1/orgs/${org}/settings`, {
    token: app.token({ org, userId: 'admin-1', role: 'admin' }),
    body: { video_chat_provider: 'big_blue_button' },
  });
  expect(res.status).toBe(200);
}

async function createCall(
  app: TestApp,
  body: Record<string, unknown> = {},
  who: Partial<MintOptions> = {},
): Promise<string> {
  const res = await api(app, 'POST', '/api/v1/calls', {
    token: app.token({ userId: '42', name: 'Ada Lovelace', ...who }),
    body,
  });
  expect(res.status).toBe(200);
  return String(res.body['url']);
}

/** Opens a join link as a browser would, with the session cookie; redirects are not followed. */
async function openLink(
  app: TestApp,
  link: string,
  who: Partial<MintOptions> | null = {},
): Promise<{ status: number; location: string; text: string; headers: Headers }> {
  const target = new URL(link);
  const headers: Record<string, string> = {};
  if (who) headers['cookie'] = `callgate_session=${app.token({ userId: '42', name: 'Ada Lovelace', ...who })}`;
  const response = await fetch(`${app.url}${target.pathname}${target.search}`, { headers, redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location') ?? '',
    text: await response.text(),
    headers: response.headers,
  };
}

describe.each(kinds)('BigBlueButton calls (%s)', (db) => {
  let bbb: RunningBigBlueButtonSimulator;
  let app: TestApp;
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    app = await startBbbApp(db, bbb.url);
    await chooseBigBlueButton(app);
  });
  afterAll(async () => {
    await app.close();
    await bbb.close();
  });
  afterEach(() => bbb.sim.state.reset());

  test('when a member creates a call, then a signed join link on callgate is answered and no BBB request is made', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: { meeting_name: 'standup' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: 'success', msg: '', provider: 'big_blue_button', is_video_call: true });
    expect(String(res.body['url'])).toMatch(
      new RegExp(
        `^${app.url.replace(/[.]/g, '\\.')}/calls/bigbluebutton/join\\?bigbluebutton=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`,
      ),
    );
    expect(bbb.sim.state.requests).toHaveLength(0);
    const stats = await app.store.callRecords.countByDay('acme', { since: 0 });
    expect(stats).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'big_blue_button' })]));
  });

  test('when two calls are created, then their meeting ids differ', async () => {
    const first = await createCall(app);
    const second = await createCall(app);
    await openLink(app, first);
    await openLink(app, second);
    const ids = bbb.sim.state.requestsOf('create').map((request) => request.params['meetingID']);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{24}$/);
  });

  test('when the creator opens the link, then BBB create is called and the browser is sent to join as MODERATOR', async () => {
    const link = await createCall(app, { meeting_name: 'general > standup' });
    const res = await openLink(app, link);
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.location.startsWith(`${bbb.url}api/join?`)).toBe(true);

    const [create] = bbb.sim.state.requestsOf('create');
    expect(create?.checksumValid).toBe(true);
    expect(create?.params).toEqual({
      meetingID: expect.stringMatching(/^[a-z0-9]{24}$/),
      name: 'general > standup',
      lockSettingsDisableCam: 'false',
      muteOnStart: 'false',
    });
    const meeting = bbb.sim.state.meetings.get(create?.params['meetingID'] ?? '');
    const join = new URL(res.location).searchParams;
    expect(Object.fromEntries(join)).toEqual({
      meetingID: meeting?.meetingId,
      role: 'MODERATOR',
      fullName: 'Ada Lovelace',
      userID: '42',
      createTime: meeting?.createTime,
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The join URL is for the browser: callgate never fetched it.
    expect(bbb.sim.state.requestsOf('join')).toHaveLength(0);

    const page = await fetch(res.location);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Role: MODERATOR');
    expect(html).toContain('Joined by: Ada Lovelace');
    expect(html).toContain(`Meeting: ${escapeHtml('general > standup')}`);
    expect(bbb.sim.state.requestsOf('join')[0]?.checksumValid).toBe(true);
  });

  test('when another member of the org opens the link, then they join the same meeting as VIEWER', async () => {
    const link = await createCall(app);
    const creator = await openLink(app, link);
    const other = await openLink(app, link, { userId: '77', name: 'Grace Hopper' });
    expect(other.status).toBe(302);
    const creatorJoin = new URL(creator.location).searchParams;
    const otherJoin = new URL(other.location).searchParams;
    expect(otherJoin.get('role')).toBe('VIEWER');
    expect(otherJoin.get('fullName')).toBe('Grace Hopper');
    expect(otherJoin.get('userID')).toBe('77');
    expect(otherJoin.get('meetingID')).toBe(creatorJoin.get('meetingID'));
    expect(otherJoin.get('createTime')).toBe(creatorJoin.get('createTime'));
    expect(bbb.sim.state.requestsOf('create')).toHaveLength(2);
    expect(bbb.sim.state.meetings.size).toBe(1);
    const page = await (await fetch(other.location)).text();
    expect(page).toContain('Role: VIEWER');
  });

  test('when a voice call is opened, then BBB is asked to lock cameras', async () => {
    const link = await createCall(app, { is_video_call: false });
    const res = await openLink(app, link);
    expect(res.status).toBe(302);
    expect(bbb.sim.state.requestsOf('create')[0]?.params['lockSettingsDisableCam']).toBe('true');
    expect([...bbb.sim.state.meetings.values()][0]?.lockSettingsDisableCam).toBe(true);
  });
});

describe('BigBlueButton join link errors', () => {
  let bbb: RunningBigBlueButtonSimulator;
  let app: TestApp;
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    app = await startBbbApp('sqlite', bbb.url);
    await chooseBigBlueButton(app);
  });
  afterAll(async () => {
    await app.close();
    await bbb.close();
  });
  afterEach(() => {
    bbb.sim.state.reset();
    bbb.sim.state.secret = BBB_SECRET;
    bbb.sim.state.algorithms = ['sha1', 'sha256', 'sha384', 'sha512'];
  });

  async function failingJoin(): Promise<{ status: number; text: string; headers: Headers }> {
    const link = await createCall(app);
    const res = await openLink(app, link);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.location).toBe('');
    return res;
  }

  test('when a user of another org opens the link, then 403 and BBB is not called', async () => {
    const link = await createCall(app);
    const res = await openLink(app, link, { org: 'globex', userId: '42' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('This call belongs to another organization');
    expect(bbb.sim.state.requests).toHaveLength(0);
  });

  test('when the link was altered, then 400 Invalid signature and BBB is not called', async () => {
    const link = new URL(await createCall(app));
    const [payload, signature] = (link.searchParams.get('bigbluebutton') ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, creator: '77' })).toString('base64url');
    link.searchParams.set('bigbluebutton', `${forged}.${signature}`);
    const res = await openLink(app, link.toString(), { userId: '77' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid signature.');
    expect(res.text).toContain('This link is not valid');
    expect(bbb.sim.state.requests).toHaveLength(0);
  });

  test('when the link has no token, then 400 names the parameter', async () => {
    const res = await openLink(app, `${app.url}/calls/bigbluebutton/join`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('bigbluebutton');
  });

  test('when there is no session cookie, then 401 asks to sign in', async () => {
    const link = await createCall(app);
    const res = await openLink(app, link, null);
    expect(res.status).toBe(401);
    expect(res.text).toContain('Please sign in');
  });

  test('when BBB refuses the checksum (wrong secret), then 502 "Error authenticating to the BigBlueButton server"', async () => {
    bbb.sim.state.secret = 'another-secret';
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain('Error authenticating to the BigBlueButton server');
    expect(res.text).toContain('<title>The call could not be started · callgate</title>');
    expect(res.text).toContain('tell your administrator');
    expect(res.text).not.toContain(BBB_SECRET);
  });

  test('when BBB does not accept the configured algorithm, then it is the same authentication error', async () => {
    bbb.sim.state.algorithms = ['sha1'];
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain('Error authenticating to the BigBlueButton server');
  });

  test('when BBB answers another FAILED, then 502 "BigBlueButton server returned an unexpected error: FAILED"', async () => {
    bbb.sim.state.inject({ kind: 'failed', messageKey: 'maxConcurrent', message: 'Too many meetings' });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain('BigBlueButton server returned an unexpected error: FAILED');
    expect(res.text).not.toContain('Too many meetings');
  });

  test('when BBB answers HTTP 500, then 502 quotes the status and the first 200 characters of the body', async () => {
    bbb.sim.state.inject({ kind: 'status', status: 500, body: `${'a'.repeat(150)}${'b'.repeat(150)}` });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain(
      `Error connecting to the BigBlueButton server: HTTP 500: ${'a'.repeat(150)}${'b'.repeat(50)}</p>`,
    );
  });

  test('when BBB answers a redirect, then it is not followed and 502 names the status', async () => {
    bbb.sim.state.inject({ kind: 'redirect', location: `${bbb.url}api/getMeetings` }, { call: 'create' });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain('Error connecting to the BigBlueButton server: HTTP 302');
    expect(bbb.sim.state.requests.map((request) => request.call)).toEqual(['create']);
  });

  test('when BBB resets the connection, then 502 says the connection was reset', async () => {
    bbb.sim.state.inject({ kind: 'reset' });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain('Error connecting to the BigBlueButton server: connection reset');
  });

  test('when the answer is an HTML page, then 502 PROVIDER_UNAVAILABLE', async () => {
    bbb.sim.state.inject({ kind: 'non_xml' });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain(
      'Error connecting to the BigBlueButton server: the answer is not a BigBlueButton API response',
    );
  });

  test('when the answer is not XML at all, then 502 PROVIDER_UNAVAILABLE', async () => {
    bbb.sim.state.inject({ kind: 'status', status: 200, body: 'hello, { not xml' });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain('Error connecting to the BigBlueButton server: the answer is not XML');
  });

  test('when the create answer lacks its fields, then 502 PROVIDER_UNAVAILABLE', async () => {
    bbb.sim.state.inject({ kind: 'missing_fields' });
    const res = await failingJoin();
    expect(res.status).toBe(502);
    expect(res.text).toContain(
      'Error connecting to the BigBlueButton server: the create answer lacks a valid meetingID',
    );
  });

  test('when BBB does not answer in time, then 504 PROVIDER_TIMEOUT after the configured timeout', async () => {
    bbb.sim.state.inject({ kind: 'hang' });
    const res = await failingJoin();
    expect(res.status).toBe(504);
    expect(res.text).toContain(`Error connecting to the BigBlueButton server: no answer within ${TIMEOUT_MS} ms`);
  });

  test('when BBB is slow but within the timeout, then the join succeeds', async () => {
    bbb.sim.state.inject({ kind: 'delay', ms: 50 });
    const link = await createCall(app);
    const res = await openLink(app, link);
    expect(res.status).toBe(302);
  });

  test('when provider errors happened, then they are counted by code and logs hold no secret or checksum', async () => {
    bbb.sim.state.inject({ kind: 'hang' });
    await failingJoin();
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /callgate_provider_errors_total\{provider="big_blue_button",code="PROVIDER_TIMEOUT"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /callgate_provider_errors_total\{provider="big_blue_button",code="PROVIDER_AUTH_FAILED"\} [1-9]/,
    );
    expect(metrics).not.toMatch(/provider="big_blue_button",code="INVALID_SIGNATURE"/);
    const logs = app.logs.join('\n');
    expect(logs).not.toContain(BBB_SECRET);
    expect(logs).not.toContain('checksum=');
    expect(logs).not.toContain('bigbluebutton=');
  });
});

describe('BigBlueButton without a server', () => {
  let app: TestApp;
  let unconfigured: TestApp;
  let link: string;
  beforeAll(async () => {
    // A port that was just closed: connections to it are refused.
    const closed = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    await closed.close();
    app = await startBbbApp('sqlite', closed.url);
    await chooseBigBlueButton(app);
    link = await createCall(app);
    unconfigured = await startApp({ db: 'sqlite' });
  });
  afterAll(async () => {
    await app.close();
    await unconfigured.close();
  });

  test('when the connection is refused, then 502 says so', async () => {
    const res = await openLink(app, link);
    expect(res.status).toBe(502);
    expect(res.text).toContain('Error connecting to the BigBlueButton server: connection refused');
  });

  test('when BigBlueButton is not configured, then the join page answers 503 with Zulip’s text', async () => {
    const res = await openLink(unconfigured, link.replace(app.url, unconfigured.url));
    expect(res.status).toBe(503);
    expect(res.text).toContain('BigBlueButton is not configured');
  });

  test('when an admin tests the connection, then it is unreachable', async () => {
    const res = await api(app, 'POST', '/api/v1/orgs/acme/providers/big_blue_button/check', {
      token: app.token({ role: 'admin' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      reason: 'unreachable',
      detail: expect.stringContaining('connection refused'),
    });
  });

  test('when an admin tests an unconfigured server, then not_configured is answered', async () => {
    const res = await api(unconfigured, 'POST', '/api/v1/orgs/acme/providers/big_blue_button/check', {
      token: unconfigured.token({ role: 'admin' }),
    });
    expect(res.body).toMatchObject({ status: 'failed', reason: 'not_configured' });
  });
});

describe('BigBlueButton connection test', () => {
  let bbb: RunningBigBlueButtonSimulator;
  let app: TestApp;
  const check = (role: 'admin' | 'member' = 'admin') =>
    api(app, 'POST', '/api/v1/orgs/acme/providers/big_blue_button/check', { token: app.token({ role }) });
  beforeAll(async () => {
    bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET });
    app = await startBbbApp('sqlite', bbb.url, { BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: 'sha512' });
  });
  afterAll(async () => {
    await app.close();
    await bbb.close();
  });
  afterEach(() => {
    bbb.sim.state.reset();
    bbb.sim.state.secret = BBB_SECRET;
    bbb.sim.state.algorithms = ['sha1', 'sha256', 'sha384', 'sha512'];
  });

  test('when the server accepts the signed getMeetings, then ok', async () => {
    const res = await check();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'success', msg: '', status: 'ok' });
    const [request] = bbb.sim.state.requestsOf('getMeetings');
    expect(request?.checksumValid).toBe(true);
    expect(request?.rawQuery).toMatch(/^checksum=[0-9a-f]{128}$/);
  });

  test('when the secret is wrong, then bad_secret, after one sha1 probe', async () => {
    bbb.sim.state.secret = 'not-the-configured-one';
    const res = await check();
    expect(res.body).toMatchObject({ status: 'failed', reason: 'bad_secret' });
    expect(bbb.sim.state.requests.map((request) => request.rawQuery.length)).toEqual([
      'checksum='.length + 128,
      'checksum='.length + 40,
    ]);
  });

  test('when the server refuses the configured algorithm but accepts sha1, then checksum_algorithm_refused', async () => {
    bbb.sim.state.algorithms = ['sha1', 'sha256'];
    const res = await check();
    expect(res.body).toMatchObject({
      status: 'failed',
      reason: 'checksum_algorithm_refused',
      detail: expect.stringContaining('sha512'),
    });
  });

  test('when the URL answers a web page, then not_a_bbb_server', async () => {
    bbb.sim.state.inject({ kind: 'non_xml' });
    expect((await check()).body).toMatchObject({ status: 'failed', reason: 'not_a_bbb_server' });
  });

  test('when the URL answers 404, then not_a_bbb_server', async () => {
    bbb.sim.state.inject({ kind: 'status', status: 404, body: 'Not Found' });
    expect((await check()).body).toMatchObject({
      status: 'failed',
      reason: 'not_a_bbb_server',
      detail: expect.stringContaining('HTTP 404'),
    });
  });

  test('when the server does not answer in time, then unreachable', async () => {
    bbb.sim.state.inject({ kind: 'hang' });
    expect((await check()).body).toMatchObject({
      status: 'failed',
      reason: 'unreachable',
      detail: expect.stringContaining('no answer'),
    });
  });

  test('when a member asks, then 403', async () => {
    expect((await check('member')).status).toBe(403);
    expect(bbb.sim.state.requests).toHaveLength(0);
  });
});

describe.each(['raw', 'reencoded'] as const)(
  'BigBlueButton meeting names (BBB hashing the %s query)',
  (checksumQuery) => {
    let bbb: RunningBigBlueButtonSimulator;
    let app: TestApp;
    beforeAll(async () => {
      bbb = await startBigBlueButtonSimulator({ secret: BBB_SECRET, checksumQuery });
      app = await startBbbApp('sqlite', bbb.url);
      await chooseBigBlueButton(app);
    });
    afterAll(async () => {
      await app.close();
      await bbb.close();
    });
    afterEach(() => bbb.sim.state.reset());

    test.each([
      'Team standup',
      'C++ & Rust',
      "O'Brien's (weekly) call",
      'a~b*c%20d%',
      'emoji 🎉 call 😀',
      'Ünïcödé · 会议 · مكالمة',
      '<script>alert(1)</script> & "quotes"',
      'semi;colon=equals+plus/slash?question#hash',
    ])('when the meeting is named %j, then BBB receives it unchanged with a valid checksum', async (name) => {
      const link = await createCall(app, { meeting_name: name }, { name: `Host of ${name}` });
      const res = await openLink(app, link, { name: `Host of ${name}` });
      expect(res.status).toBe(302);
      const [create] = bbb.sim.state.requestsOf('create');
      expect(create?.checksumValid).toBe(true);
      expect([...bbb.sim.state.meetings.values()][0]?.name).toBe(name);
      const page = await fetch(res.location);
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(bbb.sim.state.requestsOf('join')[0]?.checksumValid).toBe(true);
      expect(html).toContain(`Meeting: ${escapeHtml(name)}`);
      expect(html).toContain(`Joined by: ${escapeHtml(`Host of ${name}`)}`);
    });
  },
);
