/**
 * Two real callgate processes (`dist/main.js`) sharing one PostgreSQL database, as SPEC §7
 * allows: migrations apply once, settings changes reach the other replica through
 * LISTEN/NOTIFY, an OAuth state made on one completes on the other, a Zoom refresh happens
 * once across both, and a replica killed inside a refresh leaves neither a stuck lock nor
 * a half-written row.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { mintToken } from '../src/auth/identity.js';
import { buildConfig } from '../src/config/index.js';
import { createTokenCipher } from '../src/crypto/tokenCipher.js';
import { startZoomSimulator, type RunningZoomSimulator } from '../src/providers/zoom/simulator.js';
import { openTokens, type PlainTokens as UserTokens } from '../src/userAuth/vault.js';
import { POSTGRES_MIGRATIONS } from '../src/migrations/schema.js';
import { userTokenFromRow, type Row } from '../src/store/rows.js';
import { createTestDatabase, postgresReachable, type TestDatabase } from './support/postgres.js';
import { startService, type ServiceProcess } from './support/process.js';

const withPostgres = (await postgresReachable()) ? [true] : [];

const PUBLIC_URL = 'http://callgate.test';
const CLIENT_ID = 'callgate-replicas-client';
const SECRETS = {
  auth_jwt_secret: randomBytes(32).toString('base64url'),
  signing_secret: randomBytes(32).toString('base64url'),
  token_encryption_key: randomBytes(32).toString('base64'),
  video_zoom_client_secret: `zoom-client-secret-${randomBytes(12).toString('hex')}`,
  video_zoom_webhook_secret: `zoom-webhook-secret-${randomBytes(12).toString('hex')}`,
};
const cipher = createTokenCipher(
  buildConfig({ env: {}, secrets: SECRETS, mode: 'production', dataDir: tmpdir() }).tokenEncryption,
);

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  location: string | null;
}

async function request(
  url: string,
  options: { method?: string; bearer?: string; cookie?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  if (options.cookie) headers['cookie'] = `callgate_session=${options.cookie}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // An HTML page: keep the text.
  }
  return { status: response.status, body, text, location: response.headers.get('location') };
}

/** Resolves with `promise`, or rejects when it takes longer than `ms`: a hang fails the test instead of stalling it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(withPostgres)('two replicas on one PostgreSQL database', () => {
  let database: TestDatabase;
  let sql: pg.Pool;
  let zoom: RunningZoomSimulator;
  let a: ServiceProcess;
  let b: ServiceProcess;
  const dirs: string[] = [];
  const running: ServiceProcess[] = [];

  const admin = mintToken(SECRETS.auth_jwt_secret, { org: 'acme', userId: 'admin-1', role: 'admin' });
  const user = mintToken(SECRETS.auth_jwt_secret, { org: 'acme', userId: 'u1', role: 'member', name: 'Ada' });

  async function startReplica(): Promise<ServiceProcess> {
    const cwd = mkdtempSync(join(tmpdir(), 'callgate-replica-'));
    dirs.push(cwd);
    const file = join(cwd, 'secrets.conf');
    const lines = Object.entries(SECRETS).map(([name, value]) => `${name} = ${value}`);
    writeFileSync(file, `[secrets]\n${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const service = await startService({
      cwd,
      env: {
        DATABASE_URL: database.url,
        VIDEO_ZOOM_CLIENT_ID: CLIENT_ID,
        VIDEO_ZOOM_API_URL: zoom.url,
        VIDEO_ZOOM_OAUTH_URL: zoom.url,
        PUBLIC_URL,
        CALLS_PER_MINUTE: '0',
        LOG_LEVEL: 'warn',
        // Long enough that a replica stays inside a hung refresh until the test kills it.
        UPSTREAM_TIMEOUT_MS: '15000',
      },
    });
    running.push(service);
    return service;
  }

  const call = (replica: ServiceProcess): Promise<Answer> =>
    request(`${replica.url}/api/v1/calls`, { method: 'POST', bearer: user, body: {} });

  const storedRow = async (): Promise<Row | undefined> =>
    (await sql.query("SELECT * FROM user_tokens WHERE provider = 'zoom' AND org = 'acme' AND user_id = 'u1'"))
      .rows[0] as Row | undefined;
  /** The stored pair, decrypted: a half-written row would throw here. */
  const storedTokens = async (): Promise<UserTokens | null> => {
    const row = await storedRow();
    return row ? openTokens(cipher, userTokenFromRow(row)) : null;
  };
  /** Makes the user's stored access token expired, here and at Zoom. */
  const expireToken = async (): Promise<void> => {
    await sql.query(
      "UPDATE user_tokens SET expires_at = $1 WHERE provider = 'zoom' AND org = 'acme' AND user_id = 'u1'",
      [Date.now() - 3_600_000],
    );
    zoom.sim.state.expireAccessTokens();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    zoom = await startZoomSimulator({
      clientId: CLIENT_ID,
      clientSecret: SECRETS.video_zoom_client_secret,
      webhookSecret: SECRETS.video_zoom_webhook_secret,
      autoApprove: true,
    });
    // Both at once on the empty database: they race for the migrations.
    [a, b] = await Promise.all([startReplica(), startReplica()]);
  }, 60_000);

  afterAll(async () => {
    for (const service of running) await service.stop();
    await sql?.end();
    await zoom?.close();
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('when both start together on an empty database, then each migration is applied exactly once and both are ready', async () => {
    const { rows } = await sql.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect((await request(`${a.url}/readyz`)).status).toBe(200);
    expect((await request(`${b.url}/readyz`)).status).toBe(200);
  });

  test('when settings change through A, then B, which had the old value cached, serves the new one within a second', async () => {
    const settings = async (replica: ServiceProcess): Promise<unknown> =>
      (await request(`${replica.url}/api/v1/orgs/acme/settings`, { bearer: user })).body['video_chat_provider'];
    // B reads (and caches) the old value; its cache has no expiry, only the notification drops it.
    expect(await settings(b)).toBe('jitsi_meet');
    const patched = await request(`${a.url}/api/v1/orgs/acme/settings`, {
      method: 'PATCH',
      bearer: admin,
      body: { video_chat_provider: 'zoom' },
    });
    expect(patched.status).toBe(200);
    const changedAt = Date.now();
    await until(async () => (await settings(b)) === 'zoom', 'B to serve the new provider', 3000);
    const delayMs = Date.now() - changedAt;
    expect(delayMs).toBeLessThan(1000);
  });

  test('when the Zoom authorization starts on A, then it completes on B', async () => {
    const register = await request(`${a.url}/calls/zoom/register`, { cookie: user });
    expect(register.status).toBe(302);
    const authorize = new URL(register.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${zoom.url}/oauth/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/calls/zoom/complete`);

    const approved = await request(authorize.toString());
    expect(approved.status).toBe(302);
    const callback = new URL(approved.location ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${PUBLIC_URL}/calls/zoom/complete`);
    const complete = await request(`${b.url}/calls/zoom/complete${callback.search}`, { cookie: user });
    expect(complete.status).toBe(200);
    expect(complete.text).toContain('zoom_token');

    const tokens = await storedTokens();
    expect(zoom.sim.state.validRefreshTokens()).toContain(tokens?.refreshToken);
    // The state was single-use: replaying it on A fails.
    const replay = await request(`${a.url}/calls/zoom/complete${callback.search}`, { cookie: user });
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('Invalid Zoom session identifier');
  });

  test('when 100 calls split across both replicas arrive with an expired token, then Zoom sees exactly one refresh and all succeed', async () => {
    const before = await storedTokens();
    await expireToken();
    zoom.sim.state.resetCounters();
    const meetingsBefore = zoom.sim.state.meetings.length;
    // A slow refresh keeps the race window open while every call arrives.
    zoom.sim.state.fail('token', { kind: 'delay', ms: 200 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => call(i % 2 ? b : a)));

    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(results.every((r) => r.body['provider'] === 'zoom')).toBe(true);
    expect(zoom.sim.state.grants['refresh_token']).toBe(1);
    expect(zoom.sim.state.meetings.length - meetingsBefore).toBe(100);
    const after = await storedTokens();
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(zoom.sim.state.validRefreshTokens()).toEqual([after?.refreshToken]);
  });

  /**
   * Starts a call on A with the token expired and the token endpoint misbehaving as
   * `arrange` says, waits until A is inside the refresh (holding the row lock) and B's call
   * is queued on that lock, then SIGKILLs A. Returns B's answer and the stored pair seen
   * between the kill and B's answer.
   */
  async function killInsideRefresh(
    arrange: () => void,
    atZoom: () => boolean,
  ): Promise<{ answer: Answer; storedAtKill: UserTokens | null; before: UserTokens | null; releasedMs: number }> {
    const before = await storedTokens();
    await expireToken();
    zoom.sim.state.resetCounters();
    arrange();
    const onA = call(a).then(
      () => 'answered',
      () => 'connection lost',
    );
    await until(atZoom, 'A to reach the token endpoint');

    const onB = call(b);
    const waitingOnLock = async (): Promise<boolean> =>
      Number(
        (
          await sql.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          )
        ).rows[0]?.n,
      ) > 0;
    await until(waitingOnLock, "B's refresh to queue on A's row lock");

    const storedAtKill = await storedTokens();
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    const answer = await within(onB, 10_000, "B's call after A was killed");
    const releasedMs = Date.now() - killedAt;
    expect(await within(onA, 5000, "A's call")).toBe('connection lost');
    return { answer, storedAtKill, before, releasedMs };
  }

  test('when A is killed inside a refresh before Zoom answered, then the lock is released and B refreshes and calls', async () => {
    const { answer, storedAtKill, before, releasedMs } = await killInsideRefresh(
      () => zoom.sim.state.fail('token', { kind: 'hang' }),
      () => zoom.sim.state.requests.token === 1,
    );
    // A never wrote: the row is the old, intact pair, whose refresh token Zoom has not spent.
    expect(storedAtKill).toEqual(before);
    expect(answer.status).toBe(200);
    expect(answer.body['provider']).toBe('zoom');
    expect(releasedMs).toBeLessThan(5000);
    // Only B's refresh reached Zoom's grant handling; the stored pair is B's and valid.
    expect(zoom.sim.state.grants['refresh_token']).toBe(1);
    const after = await storedTokens();
    expect(zoom.sim.state.validRefreshTokens()).toEqual([after?.refreshToken]);
    expect(b.output()).not.toMatch(/"code":"INTERNAL"/);
  });

  test('when A is killed after Zoom rotated the token but before A stored it, then B answers 403 with authorize_url and the row is gone, never corrupt', async () => {
    a = await startReplica();
    const { answer, storedAtKill, before } = await killInsideRefresh(
      () => zoom.sim.state.fail('token', { kind: 'answer_lost' }),
      () => zoom.sim.state.grants['refresh_token'] === 1,
    );
    // Zoom spent the refresh token A presented; the row still holds that (intact) pair.
    expect(storedAtKill).toEqual(before);
    expect(zoom.sim.state.validRefreshTokens()).not.toContain(before?.refreshToken);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      result: 'error',
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${PUBLIC_URL}/calls/zoom/register`,
    });
    // B's refresh got invalid_grant and deleted the row: absent, not half-written.
    expect(zoom.sim.state.grants['refresh_token']).toBe(2);
    expect(await storedRow()).toBeUndefined();
    expect(b.output()).not.toMatch(/"code":"INTERNAL"/);
  });

  test('no replica wrote a secret or token to its output', () => {
    const output = running.map((service) => service.output()).join('\n');
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/sim_(at|rt|code)_|Bearer |Basic /);
  });
});
