/**
 * The SQLite repositories, one factory per concern. better-sqlite3 is synchronous, so each
 * statement is atomic within the process; the per-user token lock only has to serialise
 * this process's own refreshes.
 */
import type Database from 'better-sqlite3';
import { KeyedMutex } from '../keyedMutex.js';
import {
  auditEntryFromRow,
  dailyCountFromRow,
  oauthStateFromRow,
  orgCredentialsFromRow,
  orgCredentialsParams,
  orgSettingsFromRow,
  ORG_CREDENTIALS_COLUMNS,
  ORG_CREDENTIALS_UPSERT,
  userTokenFromRow,
  userTokenParams,
  USER_TOKEN_COLUMNS,
  USER_TOKEN_UPSERT,
  type Row,
} from '../rows.js';
import { batchedCallRecords, type BatchedCallRecords } from '../callRecordBatch.js';
import type {
  AuditLogRepository,
  CallRecord,
  CounterRepository,
  NewAuditEntry,
  OAuthStateRepository,
  OrgCredentialsRepository,
  OrgSettingsRecord,
  OrgSettingsRepository,
  StoredOrgCredentials,
  StoredUserToken,
  StoreOptions,
  UserTokenRepository,
  WebhookDeliveryRepository,
} from '../types.js';

/** Org settings; listeners hear this process's own saves (one process shares one file). */
export function sqliteOrgSettings(db: Database.Database): OrgSettingsRepository {
  const listeners: Array<(org: string) => void> = [];
  const get = db.prepare('SELECT * FROM org_settings WHERE org = ?');
  const upsert = db.prepare(`INSERT INTO org_settings (org, video_chat_provider, provider_settings, updated_at)
    VALUES (?, ?, ?, ?) ON CONFLICT (org) DO UPDATE SET video_chat_provider = excluded.video_chat_provider,
    provider_settings = excluded.provider_settings, updated_at = excluded.updated_at`);
  const insertAudit = db.prepare(`INSERT INTO audit_log (org, actor_user_id, actor_name, action, changes, created_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const saveBoth = db.transaction((settings: OrgSettingsRecord, audit: NewAuditEntry) => {
    upsert.run(settings.org, settings.videoChatProvider, JSON.stringify(settings.providerSettings), settings.updatedAt);
    insertAudit.run(
      audit.org,
      audit.actorUserId,
      audit.actorName,
      audit.action,
      JSON.stringify(audit.changes),
      settings.updatedAt,
    );
  });
  return {
    async get(org) {
      const row = get.get(org) as Row | undefined;
      return row ? orgSettingsFromRow(row) : null;
    },
    async save(settings, audit) {
      saveBoth(settings, audit);
      for (const listener of listeners) listener(settings.org);
    },
    onChanged(listener) {
      listeners.push(listener);
    },
  };
}

const INSERT_AUDIT = `INSERT INTO audit_log (org, actor_user_id, actor_name, action, changes, created_at)
  VALUES (?, ?, ?, ?, ?, ?)`;

/** Organizations' own credentials; listeners hear this process's own changes. */
export function sqliteOrgCredentials(db: Database.Database): OrgCredentialsRepository {
  const listeners: Array<(org: string) => void> = [];
  const announce = (org: string): void => {
    for (const listener of listeners) listener(org);
  };
  const listOf = db.prepare('SELECT * FROM org_credentials WHERE org = ? ORDER BY provider');
  const listAll = db.prepare('SELECT * FROM org_credentials ORDER BY org, provider');
  const upsert = db.prepare(
    `INSERT INTO org_credentials (${ORG_CREDENTIALS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ${ORG_CREDENTIALS_UPSERT}`,
  );
  const remove = db.prepare('DELETE FROM org_credentials WHERE org = ? AND provider = ?');
  const reseal = db.prepare(
    'UPDATE org_credentials SET key_id = ?, ciphertext = ? WHERE org = ? AND provider = ? AND ciphertext = ?',
  );
  const insertAudit = db.prepare(INSERT_AUDIT);
  const audit = (entry: NewAuditEntry, at: number): void => {
    insertAudit.run(entry.org, entry.actorUserId, entry.actorName, entry.action, JSON.stringify(entry.changes), at);
  };
  const saveBoth = db.transaction((row: StoredOrgCredentials, entry: NewAuditEntry) => {
    upsert.run(...orgCredentialsParams(row));
    audit(entry, row.updatedAt);
  });
  const deleteBoth = db.transaction((org: string, provider: string, entry: NewAuditEntry, at: number): boolean => {
    if (remove.run(org, provider).changes === 0) return false;
    audit(entry, at);
    return true;
  });
  return {
    async listOf(org) {
      return (listOf.all(org) as Row[]).map(orgCredentialsFromRow);
    },
    async list() {
      return (listAll.all() as Row[]).map(orgCredentialsFromRow);
    },
    async save(row, entry) {
      saveBoth(row, entry);
      announce(row.org);
    },
    async delete(org, provider, entry, at) {
      const deleted = deleteBoth(org, provider, entry, at);
      if (deleted) announce(org);
      return deleted;
    },
    async reseal(org, provider, expected, sealed) {
      return reseal.run(sealed.keyId, sealed.ciphertext, org, provider, expected).changes > 0;
    },
    onChanged(listener) {
      listeners.push(listener);
    },
  };
}

/** The audit log. */
export function sqliteAuditLog(db: Database.Database): AuditLogRepository {
  return {
    async list(org, { limit, beforeId }) {
      const rows = db
        .prepare(
          `SELECT * FROM audit_log WHERE org = ? ${beforeId === undefined ? '' : 'AND id < ?'} ORDER BY id DESC LIMIT ?`,
        )
        .all(...(beforeId === undefined ? [org, limit] : [org, beforeId, limit])) as Row[];
      return rows.map(auditEntryFromRow);
    },
  };
}

/** Call records, written in batches: one transaction (one commit) per batch. */
export function sqliteCallRecords(db: Database.Database, options: StoreOptions): BatchedCallRecords {
  const insert = db.prepare(
    'INSERT INTO calls (org, user_id, provider, is_video_call, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertMany = db.transaction((calls: CallRecord[]) => {
    for (const call of calls)
      insert.run(call.org, call.userId, call.provider, call.isVideoCall ? 1 : 0, call.createdAt);
  });
  const count = db.prepare(`SELECT date(created_at / 1000, 'unixepoch') AS day, provider, COUNT(*) AS count
    FROM calls WHERE org = ? AND created_at >= ? GROUP BY day, provider ORDER BY day, provider`);
  return batchedCallRecords({
    insertMany: async (calls) => insertMany(calls),
    countByDay: async (org, { since }) => (count.all(org, since) as Row[]).map(dailyCountFromRow),
    options,
  });
}

/** OAuth states. */
export function sqliteOAuthStates(db: Database.Database): OAuthStateRepository {
  const insert = db.prepare(
    'INSERT INTO oauth_states (state, provider, org, user_id, code_verifier, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const take = db.prepare('DELETE FROM oauth_states WHERE state = ? RETURNING *');
  const expire = db.prepare('DELETE FROM oauth_states WHERE expires_at <= ?');
  const trim = db.prepare(`DELETE FROM oauth_states WHERE org = ? AND user_id = ? AND state NOT IN
    (SELECT state FROM oauth_states WHERE org = ? AND user_id = ? ORDER BY expires_at DESC, state LIMIT ?)`);
  return {
    async save(record) {
      insert.run(record.state, record.provider, record.org, record.userId, record.codeVerifier, record.expiresAt);
    },
    async take(state) {
      const row = take.get(state) as Row | undefined;
      return row ? oauthStateFromRow(row) : null;
    },
    async deleteExpired(now) {
      return expire.run(now).changes;
    },
    async keepNewest(org, userId, keep) {
      return trim.run(org, userId, org, userId, keep).changes;
    },
  };
}

/** User tokens keyed by provider. */
export function sqliteUserTokens(db: Database.Database): UserTokenRepository {
  const locks = new KeyedMutex();
  const get = db.prepare('SELECT * FROM user_tokens WHERE provider = ? AND org = ? AND user_id = ?');
  const upsert = db.prepare(
    `INSERT INTO user_tokens (${USER_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${USER_TOKEN_UPSERT}`,
  );
  const remove = db.prepare('DELETE FROM user_tokens WHERE provider = ? AND org = ? AND user_id = ?');
  const removeOfAccount = db.prepare(
    'DELETE FROM user_tokens WHERE provider = ? AND account_user_id = ? AND (? IS NULL OR account_id = ?)',
  );
  const listAll = db.prepare('SELECT * FROM user_tokens ORDER BY provider, org, user_id');
  const listOne = db.prepare('SELECT * FROM user_tokens WHERE provider = ? ORDER BY org, user_id');
  const read = (provider: string, org: string, userId: string): StoredUserToken | null => {
    const row = get.get(provider, org, userId) as Row | undefined;
    return row ? userTokenFromRow(row) : null;
  };
  return {
    async get(provider, org, userId) {
      return read(provider, org, userId);
    },
    async save(token) {
      upsert.run(...userTokenParams(token));
    },
    async delete(provider, org, userId) {
      return remove.run(provider, org, userId).changes > 0;
    },
    async deleteOfAccount(provider, accountUserId, accountId) {
      return removeOfAccount.run(provider, accountUserId, accountId, accountId).changes;
    },
    async list(provider) {
      const rows = (provider === undefined ? listAll.all() : listOne.all(provider)) as Row[];
      return rows.map(userTokenFromRow);
    },
    async withLock(provider, org, userId, fn) {
      return locks.run(JSON.stringify([provider, org, userId]), async () =>
        fn(read(provider, org, userId), {
          async save(token) {
            upsert.run(...userTokenParams(token));
          },
          async delete() {
            remove.run(provider, org, userId);
          },
        }),
      );
    },
  };
}

/** Fixed-window counters. */
export function sqliteCounters(db: Database.Database): CounterRepository {
  const hit = db.prepare(`INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)
    ON CONFLICT (key, window_start) DO UPDATE SET count = count + excluded.count RETURNING count`);
  const subtract = db.prepare('UPDATE rate_limits SET count = count - ? WHERE key = ? AND window_start = ?');
  const releaseAll = db.transaction((windowStart: number, amounts: ReadonlyMap<string, number>) => {
    for (const [key, amount] of amounts) subtract.run(amount, key, windowStart);
  });
  const dropWindows = db.prepare('DELETE FROM rate_limits WHERE window_start < ?');
  return {
    async increment(key, windowStart) {
      const { count } = hit.get(key, windowStart, 1) as { count: number };
      // The first hit of a window sweeps the finished ones.
      if (count === 1) dropWindows.run(windowStart);
      return count;
    },
    async add(key, windowStart, amount) {
      return (hit.get(key, windowStart, amount) as { count: number }).count;
    },
    async release(windowStart, amounts) {
      releaseAll(windowStart, amounts);
    },
    async sweep(windowStart) {
      dropWindows.run(windowStart);
    },
  };
}

/** Webhook deliveries acted on. */
export function sqliteWebhookDeliveries(db: Database.Database): WebhookDeliveryRepository {
  const sweep = db.prepare('DELETE FROM webhook_deliveries WHERE expires_at <= ?');
  const claim = db.prepare(
    'INSERT INTO webhook_deliveries (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
  );
  const release = db.prepare('DELETE FROM webhook_deliveries WHERE key = ?');
  return {
    async claim(key, expiresAt, now) {
      sweep.run(now);
      return claim.run(key, expiresAt).changes === 1;
    },
    async release(key) {
      release.run(key);
    },
  };
}
