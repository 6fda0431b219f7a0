/**
 * The PostgreSQL repositories, one factory per concern, over one pool. Token refreshes lock
 * the user's row (SELECT … FOR UPDATE) so one replica refreshes while the others wait.
 */
import type pg from 'pg';
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
  CounterRepository,
  NewAuditEntry,
  OAuthStateRepository,
  OrgCredentialsRepository,
  OrgSettingsRepository,
  StoredUserToken,
  StoreOptions,
  UserTokenRepository,
  WebhookDeliveryRepository,
} from '../types.js';

/** The channel that announces settings changes to every replica. */
export const SETTINGS_CHANNEL = 'callgate_org_settings';

const rowsOf = async (client: pg.ClientBase | pg.Pool, text: string, params: unknown[]): Promise<Row[]> =>
  (await client.query(text, params)).rows as Row[];

/** Runs `fn` in a transaction on one pooled connection. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Org settings; `onChanged` is fed by the store's LISTEN connection. */
export function postgresOrgSettings(pool: pg.Pool, listeners: Array<(org: string) => void>): OrgSettingsRepository {
  return {
    async get(org) {
      const [row] = await rowsOf(pool, 'SELECT * FROM org_settings WHERE org = $1', [org]);
      return row ? orgSettingsFromRow(row) : null;
    },
    async save(settings, audit) {
      await transaction(pool, async (client) => {
        await client.query(
          `INSERT INTO org_settings (org, video_chat_provider, provider_settings, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (org) DO UPDATE SET video_chat_provider = excluded.video_chat_provider,
           provider_settings = excluded.provider_settings, updated_at = excluded.updated_at`,
          [settings.org, settings.videoChatProvider, JSON.stringify(settings.providerSettings), settings.updatedAt],
        );
        await client.query(
          `INSERT INTO audit_log (org, actor_user_id, actor_name, action, changes, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            audit.org,
            audit.actorUserId,
            audit.actorName,
            audit.action,
            JSON.stringify(audit.changes),
            settings.updatedAt,
          ],
        );
        // Delivered at commit, to every listening replica including this one.
        await client.query('SELECT pg_notify($1, $2)', [SETTINGS_CHANNEL, settings.org]);
      });
    },
    onChanged(listener) {
      listeners.push(listener);
    },
  };
}

/** The channel that announces organizations' credential changes to every replica. */
export const CREDENTIALS_CHANNEL = 'callgate_org_credentials';

async function insertAudit(client: pg.ClientBase, entry: NewAuditEntry, at: number): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (org, actor_user_id, actor_name, action, changes, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.org, entry.actorUserId, entry.actorName, entry.action, JSON.stringify(entry.changes), at],
  );
}

/** Organizations' own credentials; `onChanged` is fed by the store's LISTEN connection. */
export function postgresOrgCredentials(
  pool: pg.Pool,
  listeners: Array<(org: string) => void>,
): OrgCredentialsRepository {
  return {
    async listOf(org) {
      const rows = await rowsOf(pool, 'SELECT * FROM org_credentials WHERE org = $1 ORDER BY provider', [org]);
      return rows.map(orgCredentialsFromRow);
    },
    async list() {
      return (await rowsOf(pool, 'SELECT * FROM org_credentials ORDER BY org, provider', [])).map(
        orgCredentialsFromRow,
      );
    },
    async save(row, entry) {
      await transaction(pool, async (client) => {
        await client.query(
          `INSERT INTO org_credentials (${ORG_CREDENTIALS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ${ORG_CREDENTIALS_UPSERT}`,
          orgCredentialsParams(row),
        );
        await insertAudit(client, entry, row.updatedAt);
        // Delivered at commit, to every listening replica including this one.
        await client.query('SELECT pg_notify($1, $2)', [CREDENTIALS_CHANNEL, row.org]);
      });
    },
    async delete(org, provider, entry, at) {
      return transaction(pool, async (client) => {
        const result = await client.query('DELETE FROM org_credentials WHERE org = $1 AND provider = $2', [
          org,
          provider,
        ]);
        if ((result.rowCount ?? 0) === 0) return false;
        await insertAudit(client, entry, at);
        await client.query('SELECT pg_notify($1, $2)', [CREDENTIALS_CHANNEL, org]);
        return true;
      });
    },
    async reseal(org, provider, expected, sealed) {
      const result = await pool.query(
        `UPDATE org_credentials SET key_id = $1, ciphertext = $2
         WHERE org = $3 AND provider = $4 AND ciphertext = $5`,
        [sealed.keyId, sealed.ciphertext, org, provider, expected],
      );
      return (result.rowCount ?? 0) > 0;
    },
    onChanged(listener) {
      listeners.push(listener);
    },
  };
}

/** The audit log. */
export function postgresAuditLog(pool: pg.Pool): AuditLogRepository {
  return {
    async list(org, { limit, beforeId }) {
      const rows =
        beforeId === undefined
          ? await rowsOf(pool, 'SELECT * FROM audit_log WHERE org = $1 ORDER BY id DESC LIMIT $2', [org, limit])
          : await rowsOf(pool, 'SELECT * FROM audit_log WHERE org = $1 AND id < $2 ORDER BY id DESC LIMIT $3', [
              org,
              beforeId,
              limit,
            ]);
      return rows.map(auditEntryFromRow);
    },
  };
}

/** Call records, written in batches: one multi-row INSERT (one round trip) per batch. */
export function postgresCallRecords(pool: pg.Pool, options: StoreOptions): BatchedCallRecords {
  return batchedCallRecords({
    async insertMany(calls) {
      await pool.query(
        `INSERT INTO calls (org, user_id, provider, is_video_call, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[])`,
        [
          calls.map((call) => call.org),
          calls.map((call) => call.userId),
          calls.map((call) => call.provider),
          calls.map((call) => call.isVideoCall),
          calls.map((call) => call.createdAt),
        ],
      );
    },
    async countByDay(org, { since }) {
      const rows = await rowsOf(
        pool,
        `SELECT to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
           provider, COUNT(*) AS count
         FROM calls WHERE org = $1 AND created_at >= $2 GROUP BY day, provider ORDER BY day, provider`,
        [org, since],
      );
      return rows.map(dailyCountFromRow);
    },
    options,
  });
}

/** OAuth states. */
export function postgresOAuthStates(pool: pg.Pool): OAuthStateRepository {
  return {
    async save(record) {
      await pool.query(
        `INSERT INTO oauth_states (state, provider, org, user_id, code_verifier, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [record.state, record.provider, record.org, record.userId, record.codeVerifier, record.expiresAt],
      );
    },
    async take(state) {
      const [row] = await rowsOf(pool, 'DELETE FROM oauth_states WHERE state = $1 RETURNING *', [state]);
      return row ? oauthStateFromRow(row) : null;
    },
    async deleteExpired(now) {
      return (await pool.query('DELETE FROM oauth_states WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
    async keepNewest(org, userId, keep) {
      const result = await pool.query(
        `DELETE FROM oauth_states WHERE org = $1 AND user_id = $2 AND state NOT IN
         (SELECT state FROM oauth_states WHERE org = $1 AND user_id = $2 ORDER BY expires_at DESC, state LIMIT $3)`,
        [org, userId, keep],
      );
      return result.rowCount ?? 0;
    },
  };
}

/** User tokens keyed by provider. */
export function postgresUserTokens(pool: pg.Pool): UserTokenRepository {
  const upsert = async (client: pg.ClientBase | pg.Pool, token: StoredUserToken): Promise<void> => {
    await client.query(
      `INSERT INTO user_tokens (${USER_TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ${USER_TOKEN_UPSERT}`,
      userTokenParams(token),
    );
  };
  const remove = async (client: pg.ClientBase | pg.Pool, key: [string, string, string]): Promise<number> =>
    (await client.query('DELETE FROM user_tokens WHERE provider = $1 AND org = $2 AND user_id = $3', key)).rowCount ??
    0;
  return {
    async get(provider, org, userId) {
      const [row] = await rowsOf(pool, 'SELECT * FROM user_tokens WHERE provider = $1 AND org = $2 AND user_id = $3', [
        provider,
        org,
        userId,
      ]);
      return row ? userTokenFromRow(row) : null;
    },
    async save(token) {
      await upsert(pool, token);
    },
    async delete(provider, org, userId) {
      return (await remove(pool, [provider, org, userId])) > 0;
    },
    async deleteOfAccount(provider, accountUserId, accountId) {
      const result = await pool.query(
        'DELETE FROM user_tokens WHERE provider = $1 AND account_user_id = $2 AND ($3::text IS NULL OR account_id = $3)',
        [provider, accountUserId, accountId],
      );
      return result.rowCount ?? 0;
    },
    async list(provider) {
      const rows =
        provider === undefined
          ? await rowsOf(pool, 'SELECT * FROM user_tokens ORDER BY provider, org, user_id', [])
          : await rowsOf(pool, 'SELECT * FROM user_tokens WHERE provider = $1 ORDER BY org, user_id', [provider]);
      return rows.map(userTokenFromRow);
    },
    async withLock(provider, org, userId, fn) {
      return transaction(pool, async (client) => {
        // FOR UPDATE makes every other replica wait here, then re-read the row we wrote.
        const [row] = await rowsOf(
          client,
          'SELECT * FROM user_tokens WHERE provider = $1 AND org = $2 AND user_id = $3 FOR UPDATE',
          [provider, org, userId],
        );
        return fn(row ? userTokenFromRow(row) : null, {
          async save(token) {
            await upsert(client, token);
          },
          async delete() {
            await remove(client, [provider, org, userId]);
          },
        });
      });
    },
  };
}

/** Fixed-window counters. */
export function postgresCounters(pool: pg.Pool): CounterRepository {
  const add = async (key: string, windowStart: number, amount: number): Promise<number> => {
    const [row] = await rowsOf(
      pool,
      `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, $3)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + excluded.count RETURNING count`,
      [key, windowStart, amount],
    );
    return Number(row?.['count'] ?? 0);
  };
  return {
    async increment(key, windowStart) {
      const count = await add(key, windowStart, 1);
      // The first hit of a window sweeps the finished ones.
      if (count === 1) await pool.query('DELETE FROM rate_limits WHERE window_start < $1', [windowStart]);
      return count;
    },
    add,
    async release(windowStart, amounts) {
      await pool.query(
        `UPDATE rate_limits AS r SET count = r.count - u.amount
         FROM unnest($1::text[], $2::integer[]) AS u(key, amount)
         WHERE r.key = u.key AND r.window_start = $3`,
        [[...amounts.keys()], [...amounts.values()], windowStart],
      );
    },
    async sweep(windowStart) {
      await pool.query('DELETE FROM rate_limits WHERE window_start < $1', [windowStart]);
    },
  };
}

/** Webhook deliveries acted on; the primary key makes a claim atomic across replicas. */
export function postgresWebhookDeliveries(pool: pg.Pool): WebhookDeliveryRepository {
  return {
    async claim(key, expiresAt, now) {
      await pool.query('DELETE FROM webhook_deliveries WHERE expires_at <= $1', [now]);
      const result = await pool.query(
        'INSERT INTO webhook_deliveries (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
        [key, expiresAt],
      );
      return result.rowCount === 1;
    },
    async release(key) {
      await pool.query('DELETE FROM webhook_deliveries WHERE key = $1', [key]);
    },
  };
}
