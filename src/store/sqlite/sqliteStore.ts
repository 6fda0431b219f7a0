/**
 * SQLite store (better-sqlite3): the embedded default, for a single process.
 * better-sqlite3 is synchronous, so each statement is atomic within the process; the
 * per-user lock of Zoom tokens only has to serialise this process's own refreshes.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeyedMutex } from '../keyedMutex.js';
import { SQLITE_MIGRATIONS } from '../migrations.js';
import {
  auditEntryFromRow,
  oauthStateFromRow,
  orgSettingsFromRow,
  zoomTokenFromRow,
  zoomTokenParams,
  ZOOM_TOKEN_COLUMNS,
  ZOOM_TOKEN_UPSERT_SET,
  type Row,
} from '../rows.js';
import { BatchWriter } from '../batchWriter.js';
import type { CallRecord, Store, StoreOptions, StoredZoomToken } from '../types.js';

/** Opens (creating if needed) a SQLite database and applies pending migrations. */
export function openSqliteStore(path: string, options: StoreOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const locks = new KeyedMutex();
  const listeners: Array<(org: string) => void> = [];
  const statements = {
    getOrg: db.prepare('SELECT * FROM org_settings WHERE org = ?'),
    upsertOrg: db.prepare(`INSERT INTO org_settings (org, video_chat_provider, jitsi_server_url, updated_at)
      VALUES (?, ?, ?, ?) ON CONFLICT (org) DO UPDATE SET video_chat_provider = excluded.video_chat_provider,
      jitsi_server_url = excluded.jitsi_server_url, updated_at = excluded.updated_at`),
    insertAudit: db.prepare(`INSERT INTO audit_log (org, actor_user_id, actor_name, action, changes, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    insertCall: db.prepare(
      'INSERT INTO calls (org, user_id, provider, is_video_call, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    countCalls: db.prepare(`SELECT date(created_at / 1000, 'unixepoch') AS day, provider, COUNT(*) AS count
      FROM calls WHERE org = ? AND created_at >= ? GROUP BY day, provider ORDER BY day, provider`),
    insertState: db.prepare(
      'INSERT INTO oauth_states (state, org, user_id, code_verifier, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    takeState: db.prepare('DELETE FROM oauth_states WHERE state = ? RETURNING *'),
    expireStates: db.prepare('DELETE FROM oauth_states WHERE expires_at <= ?'),
    getToken: db.prepare('SELECT * FROM zoom_tokens WHERE org = ? AND user_id = ?'),
    upsertToken: db.prepare(`INSERT INTO zoom_tokens (${ZOOM_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (org, user_id) DO UPDATE SET ${ZOOM_TOKEN_UPSERT_SET}`),
    deleteToken: db.prepare('DELETE FROM zoom_tokens WHERE org = ? AND user_id = ?'),
    deleteTokensOfZoomUser: db.prepare(
      'DELETE FROM zoom_tokens WHERE zoom_user_id = ? AND (? IS NULL OR zoom_account_id = ?)',
    ),
    listTokens: db.prepare('SELECT * FROM zoom_tokens ORDER BY org, user_id'),
    hit: db.prepare(`INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)
      ON CONFLICT (key, window_start) DO UPDATE SET count = count + excluded.count RETURNING count`),
    releaseHits: db.prepare('UPDATE rate_limits SET count = count - ? WHERE key = ? AND window_start = ?'),
    dropWindows: db.prepare('DELETE FROM rate_limits WHERE window_start < ?'),
  };
  const saveToken = (token: StoredZoomToken): void => {
    statements.upsertToken.run(...zoomTokenParams(token));
  };
  // One transaction per batch of call records (one commit for many calls).
  const insertCalls = db.transaction((calls: CallRecord[]) => {
    for (const call of calls) {
      statements.insertCall.run(call.org, call.userId, call.provider, call.isVideoCall ? 1 : 0, call.createdAt);
    }
  });
  const callQueue = new BatchWriter<CallRecord>({
    write: async (calls) => insertCalls(calls),
    onError: (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))),
    ...(options.onCallRecordBatch ? { onBatch: options.onCallRecordBatch } : {}),
  });
  const releaseHits = db.transaction((windowStart: number, amounts: ReadonlyMap<string, number>) => {
    for (const [key, amount] of amounts) statements.releaseHits.run(amount, key, windowStart);
  });
  const saveSettings = db.transaction(
    (settings: Parameters<Store['saveOrgSettings']>[0], audit: Parameters<Store['saveOrgSettings']>[1]) => {
      statements.upsertOrg.run(settings.org, settings.videoChatProvider, settings.jitsiServerUrl, settings.updatedAt);
      statements.insertAudit.run(
        audit.org,
        audit.actorUserId,
        audit.actorName,
        audit.action,
        JSON.stringify(audit.changes),
        settings.updatedAt,
      );
    },
  );

  return {
    kind: 'sqlite',
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      try {
        await callQueue.close();
      } finally {
        db.close();
      }
    },
    async getOrgSettings(org) {
      const row = statements.getOrg.get(org) as Row | undefined;
      return row ? orgSettingsFromRow(row) : null;
    },
    async saveOrgSettings(settings, audit) {
      saveSettings(settings, audit);
      for (const listener of listeners) listener(settings.org);
    },
    async listAuditLog(org, { limit, beforeId }) {
      const rows = db
        .prepare(
          `SELECT * FROM audit_log WHERE org = ? ${beforeId === undefined ? '' : 'AND id < ?'} ORDER BY id DESC LIMIT ?`,
        )
        .all(...(beforeId === undefined ? [org, limit] : [org, beforeId, limit])) as Row[];
      return rows.map(auditEntryFromRow);
    },
    recordCall: (call) => callQueue.add(call),
    pendingCallRecords: () => callQueue.pending,
    async countCallsByDay(org, { since }) {
      await callQueue.flush();
      return (statements.countCalls.all(org, since) as Row[]).map((row) => ({
        day: String(row['day']),
        provider: String(row['provider']),
        count: Number(row['count']),
      }));
    },
    async saveOAuthState(record) {
      statements.insertState.run(record.state, record.org, record.userId, record.codeVerifier, record.expiresAt);
    },
    async takeOAuthState(state) {
      const row = statements.takeState.get(state) as Row | undefined;
      return row ? oauthStateFromRow(row) : null;
    },
    async deleteExpiredOAuthStates(now) {
      return statements.expireStates.run(now).changes;
    },
    async getZoomToken(org, userId) {
      const row = statements.getToken.get(org, userId) as Row | undefined;
      return row ? zoomTokenFromRow(row) : null;
    },
    async saveZoomToken(token) {
      saveToken(token);
    },
    async deleteZoomToken(org, userId) {
      return statements.deleteToken.run(org, userId).changes > 0;
    },
    async deleteZoomTokensOfZoomUser(zoomUserId, zoomAccountId) {
      return statements.deleteTokensOfZoomUser.run(zoomUserId, zoomAccountId, zoomAccountId).changes;
    },
    async listZoomTokens() {
      return (statements.listTokens.all() as Row[]).map(zoomTokenFromRow);
    },
    async withZoomTokenLock(org, userId, fn) {
      return locks.run(`${org}\u0000${userId}`, async () => {
        const row = statements.getToken.get(org, userId) as Row | undefined;
        return fn(row ? zoomTokenFromRow(row) : null, {
          async save(token) {
            saveToken(token);
          },
          async delete() {
            statements.deleteToken.run(org, userId);
          },
        });
      });
    },
    async incrementCounter(key, windowStart) {
      const { count } = statements.hit.get(key, windowStart, 1) as { count: number };
      // The first hit of a window sweeps the finished ones.
      if (count === 1) statements.dropWindows.run(windowStart);
      return count;
    },
    async addToCounter(key, windowStart, amount) {
      return (statements.hit.get(key, windowStart, amount) as { count: number }).count;
    },
    async releaseCounters(windowStart, amounts) {
      releaseHits(windowStart, amounts);
    },
    async sweepCounters(windowStart) {
      statements.dropWindows.run(windowStart);
    },
    onOrgSettingsChanged(listener) {
      listeners.push(listener);
    },
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
