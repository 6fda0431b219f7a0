/** SQLite store (better-sqlite3): the embedded default, for a single process. */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { SQLITE_MIGRATIONS } from '../../migrations/schema.js';
import type { Row } from '../rows.js';
import type { Store, StoreOptions } from '../types.js';
import {
  sqliteAuditLog,
  sqliteCallRecords,
  sqliteCounters,
  sqliteOAuthStates,
  sqliteOrgCredentials,
  sqliteOrgSettings,
  sqliteUserTokens,
  sqliteWebhookDeliveries,
} from './repositories.js';

/** Opens (creating if needed) a SQLite database and applies pending migrations. */
export function openSqliteStore(path: string, options: StoreOptions = {}): Store {
  if (path !== ':memory:') {
    // Private from the start: the file holds OAuth verifiers and token ciphertexts, and
    // SQLite gives its -wal and -shm files the database file's permissions.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MB page cache, which fills as the calls table
  // grows: resident memory then climbed ~1 MB per 10,000 calls in the bench's soak. No
  // request reads call records (org settings are cached in memory, calls only append), so
  // SQLite's own default of 2 MB is plenty.
  db.pragma('cache_size = -2000');
  migrate(db);
  const callRecords = sqliteCallRecords(db, options);
  return {
    kind: 'sqlite',
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      try {
        // Queued call records go out before the file closes.
        await callRecords.close();
      } finally {
        db.close();
      }
    },
    orgSettings: sqliteOrgSettings(db),
    auditLog: sqliteAuditLog(db),
    callRecords,
    oauthStates: sqliteOAuthStates(db),
    userTokens: sqliteUserTokens(db),
    counters: sqliteCounters(db),
    orgCredentials: sqliteOrgCredentials(db),
    webhookDeliveries: sqliteWebhookDeliveries(db),
  };
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  // BEGIN IMMEDIATE takes the write lock before reading the applied versions, so two
  // processes opening one file cannot both apply the same migration.
  const apply = db.transaction(() => {
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((row) => Number(row['version'])),
    );
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }
  });
  apply.immediate();
}
