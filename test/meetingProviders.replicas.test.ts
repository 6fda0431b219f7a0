/**
 * Google Meet and Microsoft Teams on two real callgate processes (`dist/main.js`) sharing one
 * PostgreSQL database (SPEC §5, §7): an authorization started on one replica completes on the
 * other, and when the provider refuses the access token of calls arriving on both at once,
 * the token is refreshed exactly once (Microsoft's refresh tokens are single-use in its
 * simulator, so a second refresh would fail the calls).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/auth/identity.js';
import { CLIENT_ID, CLIENT_SECRET, MEETING_PROVIDERS, type MeetingSim } from './support/meetingApps.js';
import { createTestDatabase, postgresReachable, type TestDatabase } from './support/postgres.js';
import { startService, type ServiceProcess } from './support/process.js';

const withPostgres = (await postgresReachable()) ? MEETING_PROVIDERS : [];
const PUBLIC_URL = 'http://callgate.test';

describe.each(withPostgres)('$name on two replicas of one PostgreSQL database', (provider) => {
  const secrets = {
    auth_jwt_secret: randomBytes(32).toString('base64url'),
    signing_secret: randomBytes(32).toString('base64url'),
    token_encryption_key: randomBytes(32).toString('base64'),
    [provider.secretName]: CLIENT_SECRET,
  };
  const admin = mintToken(secrets.auth_jwt_secret, { org: 'acme', userId: 'admin-1', role: 'admin' });
  const user = mintToken(secrets.auth_jwt_secret, { org: 'acme', userId: 'u1', role: 'member', name: 'Ada' });
  let database: TestDatabase;
  let sim: MeetingSim;
  let a: ServiceProcess;
  let b: ServiceProcess;
  const dirs: string[] = [];

  async function startReplica(): Promise<ServiceProcess> {
    const cwd = mkdtempSync(join(tmpdir(), 'callgate-replica-'));
    dirs.push(cwd);
    const file = join(cwd, 'secrets.conf');
    const lines = Object.entries(secrets).map(([name, value]) => `${name} = ${value}`);
    writeFileSync(file, `[secrets]\n${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return startService({
      cwd,
      env: {
        DATABASE_URL: database.url,
        PUBLIC_URL,
        CALLS_PER_MINUTE: '0',
        LOG_LEVEL: 'warn',
        UPSTREAM_TIMEOUT_MS: '10000',
        ...provider.env(sim.url),
      },
    });
  }

  async function request(
    url: string,
    options: { method?: string; bearer?: string; cookie?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; text: string; location: string | null }> {
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

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await provider.startSim({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    a = await startReplica();
    b = await startReplica();
    const patched = await request(`${a.url}/api/v1/orgs/acme/settings`, {
      method: 'PATCH',
      bearer: admin,
      body: { video_chat_provider: provider.id },
    });
    expect(patched.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    for (const replica of [a, b]) await replica?.stop();
    await sim?.close();
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('when the authorization starts on A, then it completes on B and both create calls', async () => {
    const register = await request(`${a.url}/calls/${provider.id}/register`, { cookie: user });
    expect(register.status).toBe(302);
    const authorize = new URL(register.location ?? '');
    const form = new URLSearchParams(authorize.searchParams);
    form.set('decision', 'allow');
    const approval = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
    const callback = new URL(approval.headers.get('location') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${PUBLIC_URL}/calls/${provider.id}/complete`);
    const complete = await request(`${b.url}/calls/${provider.id}/complete${callback.search}`, { cookie: user });
    expect(complete.status).toBe(200);
    expect(complete.text).toContain(`${provider.id}_token`);
    for (const replica of [a, b]) {
      const answer = await request(`${replica.url}/api/v1/calls`, { method: 'POST', bearer: user, body: {} });
      expect([answer.status, answer.body['provider']]).toEqual([200, provider.id]);
    }
  });

  test('when 20 calls split across both replicas have their token refused, then exactly one refresh and all succeed', async () => {
    sim.oauth.resetRecords();
    sim.oauth.expireAccessTokens();
    // A slow refresh keeps the race window open while every call arrives.
    sim.faults.fail('token', { kind: 'delay', ms: 300 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(`${(i % 2 ? b : a).url}/api/v1/calls`, { method: 'POST', bearer: user, body: {} }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(sim.oauth.grants['refresh_token']).toBe(1);
    expect(sim.oauth.tokenRequests.at(-1)).toMatchObject({
      grantType: 'refresh_token',
      clientAuth: 'client_secret_post',
    });
  });

  test('no replica wrote a secret or token to its output', () => {
    const output = [a, b].map((replica) => replica.output()).join('\n');
    for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/sim_(at|rt|code)_|Bearer |Basic /);
  });
});
