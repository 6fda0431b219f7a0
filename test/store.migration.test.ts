/**
 * Upgrading a database made by release 0.1: its Zoom tokens move into the generic
 * user-token table and keep working (no one authorizes again), and an org's Jitsi URL
 * moves into the provider settings. The old database is built from a frozen copy of that
 * release's migrations, and its token rows are sealed the way that release sealed them.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildConfig } from '../src/config/index.js';
import { createTokenCipher } from '../src/crypto/tokenCipher.js';
import {
  POSTGRES_MIGRATIONS as CURRENT_POSTGRES,
  SQLITE_MIGRATIONS as CURRENT_SQLITE,
} from '../src/migrations/schema.js';
import { api, TEST_SECRETS } from './support/app.js';
import { databaseKinds, type DatabaseKind } from './support/databases.js';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './fixtures/release01Migrations.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { startZoomHarness, connectZoom, type ZoomHarness } from './support/zoom.js';

const kinds = await databaseKinds();
const HOUR_MS = 3_600_000;

/** Runs SQL on the old database, outside callgate. */
interface RawDatabase {
  exec(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** Creates the database exactly as release 0.1's start-up did. */
async function createRelease01Database(
  kind: DatabaseKind,
): Promise<{ url: string; raw: RawDatabase; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'callgate-upgrade-'));
    const path = join(dir, 'old.sqlite');
    const db = new Database(path);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const migration of SQLITE_MIGRATIONS) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 1);
    }
    return {
      url: `sqlite:${path}`,
      raw: {
        async exec(sql, params = []) {
          db.prepare(sql).run(...params);
        },
        async close() {
          db.close();
        },
      },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database: TestDatabase = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  for (const migration of POSTGRES_MIGRATIONS) {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, 1]);
  }
  return {
    url: database.url,
    raw: {
      async exec(sql, params = []) {
        // Release 0.1 wrote PostgreSQL with $n placeholders; the SQL below uses ? for both.
        let n = 0;
        await client.query(
          sql.replace(/\?/g, () => `$${(n += 1)}`),
          params,
        );
      },
      async close() {
        await client.end();
      },
    },
    drop: () => database.drop(),
  };
}

/** Reads rows straight from the database. */
async function readRows(kind: DatabaseKind, url: string, sql: string): Promise<unknown[]> {
  if (kind === 'sqlite') {
    const db = new Database(url.slice('sqlite:'.length));
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.each(kinds)('upgrade from release 0.1 (%s)', (kind) => {
  let source: ZoomHarness;
  let upgraded: ZoomHarness;
  let old: Awaited<ReturnType<typeof createRelease01Database>>;
  const cipher = createTokenCipher(buildConfig({ env: {}, secrets: TEST_SECRETS }).tokenEncryption);
  /** What release 0.1 wrote into zoom_tokens for one user (its sealTokens, spelled out). */
  const oldRow = (userId: string, tokens: { access: string; refresh: string }, expiresAt: number): unknown[] => {
    const sealed = cipher.seal(
      JSON.stringify({ access_token: tokens.access, refresh_token: tokens.refresh }),
      JSON.stringify(['zoom_tokens', 'acme', userId]),
    );
    return ['acme', userId, `zu-${userId}`, 'za-1', sealed.keyId, sealed.ciphertext, expiresAt, 1];
  };

  beforeAll(async () => {
    // Real tokens from the Zoom simulator: a user connects through a throwaway app.
    source = await startZoomHarness({ db: 'sqlite', kind: 'zoom' });
    const tokens: Record<string, { access: string; refresh: string }> = {};
    for (const userId of ['fresh', 'stale']) {
      const session = source.app.token({ userId });
      await connectZoom(source.app, session);
      const row = await source.app.store.userTokens.get('zoom', 'acme', userId);
      if (!row) throw new Error('no token');
      const plain = JSON.parse(
        cipher.open({ keyId: row.keyId, ciphertext: row.ciphertext }, JSON.stringify(['zoom_tokens', 'acme', userId])),
      ) as { access_token: string; refresh_token: string };
      tokens[userId] = { access: plain.access_token, refresh: plain.refresh_token };
    }

    old = await createRelease01Database(kind);
    const insert = `INSERT INTO zoom_tokens (org, user_id, zoom_user_id, zoom_account_id, key_id, ciphertext, expires_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
    await old.raw.exec(insert, oldRow('fresh', tokens['fresh'] ?? { access: '', refresh: '' }, Date.now() + HOUR_MS));
    // Expired: the first call must refresh with the migrated refresh token.
    await old.raw.exec(insert, oldRow('stale', tokens['stale'] ?? { access: '', refresh: '' }, Date.now() - HOUR_MS));
    await old.raw.exec(
      'INSERT INTO org_settings (org, video_chat_provider, jitsi_server_url, updated_at) VALUES (?, ?, ?, ?)',
      ['acme', 'zoom', 'https://jitsi.acme.example', 1],
    );
    await old.raw.exec(
      'INSERT INTO oauth_states (state, org, user_id, code_verifier, expires_at) VALUES (?, ?, ?, ?, ?)',
      ['pending-state', 'acme', 'fresh', 'verifier', Date.now() + 60_000],
    );
    await old.raw.close();

    // Opening with this release applies migration 3.
    upgraded = await startZoomHarness({ db: kind, kind: 'zoom', zoom: source.zoom, databaseUrl: old.url });
  }, 60_000);

  afterAll(async () => {
    await upgraded?.close();
    await source?.close();
    await old?.drop();
  });

  test('then every migration of this release is recorded once and the tokens are in the generic table', async () => {
    const expected = (kind === 'sqlite' ? CURRENT_SQLITE : CURRENT_POSTGRES).map(({ version, name }) => ({
      version,
      name,
    }));
    expect(expected.map(({ version }) => version)).toEqual([1, 2, 3, 4]);
    expect(await readRows(kind, old.url, 'SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(
      expected,
    );
    expect(
      await readRows(kind, old.url, 'SELECT provider, user_id, account_user_id FROM user_tokens ORDER BY user_id'),
    ).toEqual([
      { provider: 'zoom', user_id: 'fresh', account_user_id: 'zu-fresh' },
      { provider: 'zoom', user_id: 'stale', account_user_id: 'zu-stale' },
    ]);
  });

  test('then a migrated Zoom token creates a call with no new authorization', async () => {
    const before = { ...source.zoom.sim.state.grants };
    const res = await api(upgraded.app, 'POST', '/api/v1/calls', {
      token: upgraded.app.token({ userId: 'fresh' }),
      body: {},
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'zoom', url: source.zoom.sim.state.meetings.at(-1)?.joinUrl });
    expect(source.zoom.sim.state.grants).toEqual(before);
    expect(await upgraded.app.store.userTokens.get('zoom', 'acme', 'fresh')).toMatchObject({
      accountUserId: 'zu-fresh',
      accountId: 'za-1',
    });
  });

  test('then an expired migrated token is refreshed with its migrated refresh token', async () => {
    const refreshes = source.zoom.sim.state.grants['refresh_token'] ?? 0;
    const res = await api(upgraded.app, 'POST', '/api/v1/calls', {
      token: upgraded.app.token({ userId: 'stale' }),
      body: {},
    });
    expect(res.status).toBe(200);
    expect(source.zoom.sim.state.grants['refresh_token']).toBe(refreshes + 1);
  });

  test("then the org's Jitsi URL is kept as its provider setting", async () => {
    const admin = upgraded.app.token({ role: 'admin', userId: 'admin-1' });
    const res = await api(upgraded.app, 'GET', '/api/v1/orgs/acme/settings', { token: admin });
    expect(res.body).toMatchObject({ video_chat_provider: 'zoom', jitsi_server_url: 'https://jitsi.acme.example' });
  });

  test('then a state pending at the upgrade is still single-use and bound to Zoom', async () => {
    expect(await upgraded.app.store.oauthStates.take('pending-state')).toMatchObject({ provider: 'zoom', org: 'acme' });
    expect(await upgraded.app.store.oauthStates.take('pending-state')).toBeNull();
  });
});
