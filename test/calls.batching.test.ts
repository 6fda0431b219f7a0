/**
 * Call records are written in batches and the per-user limit is reconciled through the
 * database (issue 12). Here: a real process stopped with SIGTERM writes every record it
 * still holds, on PostgreSQL while the database had been away (so records were queued) and
 * on SQLite with calls in flight; and two replicas on one PostgreSQL database together
 * never admit more than the limit plus the SPEC §9 slack.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { mintToken } from '../src/auth/identity.js';
import { slackFor } from '../src/calls/rateLimit.js';
import { api, startApp, type TestApp } from './support/app.js';
import { createTestDatabase, postgresReachable } from './support/postgres.js';
import { startService, type ServiceProcess } from './support/process.js';

const withPostgres = (await postgresReachable()) ? [true] : [];
const SECRETS = {
  auth_jwt_secret: randomBytes(32).toString('base64url'),
  signing_secret: randomBytes(32).toString('base64url'),
  token_encryption_key: randomBytes(32).toString('base64'),
};
const user = mintToken(SECRETS.auth_jwt_secret, { org: 'acme', userId: 'u1', role: 'member' });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A production directory (secrets file) for a real process. */
function productionDir(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'callgate-batching-'));
  dirs.push(cwd);
  const file = join(cwd, 'secrets.conf');
  const lines = Object.entries(SECRETS).map(([name, value]) => `${name} = ${value}`);
  writeFileSync(file, `[secrets]\n${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return cwd;
}

async function call(service: ServiceProcess): Promise<number> {
  const res = await fetch(`${service.url}/api/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
    body: '{}',
  });
  await res.arrayBuffer();
  return res.status;
}

describe.each(withPostgres)('SIGTERM on PostgreSQL', () => {
  test('when records are queued behind a write the database holds up, then SIGTERM writes them all before exiting', async () => {
    const database = await createTestDatabase();
    const sql = new pg.Client({ connectionString: database.url });
    try {
      const service = await startService({
        cwd: productionDir(),
        env: { DATABASE_URL: database.url, JITSI_SERVER_URL: 'https://meet.example.org', CALLS_PER_MINUTE: '0' },
      });
      // The first call reads and caches the org's settings; after it, a call needs no database.
      expect(await call(service)).toBe(200);
      await sql.connect();
      const rows = async (): Promise<number> => Number((await sql.query('SELECT COUNT(*) AS n FROM calls')).rows[0].n);
      while ((await rows()) < 1) await new Promise((resolve) => setTimeout(resolve, 10));

      // Hold the table: the next batch waits on the lock, the ones after it queue up.
      await sql.query('BEGIN');
      await sql.query('LOCK TABLE calls IN ACCESS EXCLUSIVE MODE');
      const statuses = await Promise.all(Array.from({ length: 50 }, () => call(service)));
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(await rows()).toBe(1);

      const exit = service.stop();
      await sql.query('COMMIT');
      expect(await exit).toBe(0);
      expect(await rows()).toBe(51);
    } finally {
      await sql.end().catch(() => undefined);
      await database.drop();
    }
  });
});

describe('SIGTERM on SQLite', () => {
  test('when SIGTERM arrives with calls in flight, then every call answered 200 has its record', async () => {
    const cwd = productionDir();
    const file = join(cwd, 'calls.sqlite');
    const service = await startService({
      cwd,
      env: { DATABASE_URL: `sqlite:${file}`, JITSI_SERVER_URL: 'https://meet.example.org', CALLS_PER_MINUTE: '0' },
    });
    expect(await call(service)).toBe(200);
    const inFlight = Array.from({ length: 200 }, () => call(service).catch(() => 0));
    // Stop as soon as the first of them is answered: the rest are in flight or queued.
    await Promise.race(inFlight);
    const exit = service.stop();
    const statuses = await Promise.all(inFlight);
    expect(await exit).toBe(0);
    const answered = 1 + statuses.filter((status) => status === 200).length;
    const db = new Database(file, { readonly: true });
    try {
      expect((db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n).toBe(answered);
    } finally {
      db.close();
    }
  });
});

describe.each(withPostgres)('two replicas on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await database?.drop();
  });

  test.each([20, 30, 100])(
    'when a user bursts at both replicas with a limit of %i a minute, then together they admit at least the limit and at most limit + slack',
    async (limit) => {
      database ??= await createTestDatabase();
      // A fixed clock: the whole burst falls in one minute.
      const now = Date.UTC(2026, 10, 29, 12, 0, 10);
      const pair = await Promise.all(
        [0, 1].map(() =>
          startApp({ databaseUrl: database.url, env: { CALLS_PER_MINUTE: String(limit) }, now: () => now }),
        ),
      );
      apps.push(...pair);
      const org = `burst-${limit}`;
      const answers = await Promise.all(
        Array.from({ length: 3 * limit }, (_, i) => {
          const app = pair[i % 2] as TestApp;
          return api(app, 'POST', '/api/v1/calls', { token: app.token({ org, userId: 'u1' }), body: {} });
        }),
      );
      const admitted = answers.filter((answer) => answer.status === 200).length;
      expect(admitted).toBeGreaterThanOrEqual(limit);
      expect(admitted).toBeLessThanOrEqual(limit + slackFor(limit));
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expect(answer.status).toBe(429);
        expect(answer.body).toMatchObject({ code: 'RATE_LIMITED', retry_after: 50 });
      }
      // Every admitted call is recorded once (each replica writes what it queued first).
      await Promise.all(pair.map((app) => app.store.callRecords.countByDay(org, { since: 0 })));
      const counts = await pair[0]?.store.callRecords.countByDay(org, { since: 0 });
      expect(counts?.reduce((sum, row) => sum + row.count, 0)).toBe(admitted);
    },
  );
});
