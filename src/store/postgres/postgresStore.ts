/**
 * PostgreSQL store (pg): for several replicas sharing one database.
 * Migrations run under an advisory lock so replicas starting together apply each once;
 * settings changes are announced with NOTIFY so every replica drops its cached copy.
 */
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../migrations.js';
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

const MIGRATION_LOCK_ID = 0x63616c6c; // "call"
const SETTINGS_CHANNEL = 'callgate_org_settings';

/** Connects, applies pending migrations, and listens for settings changes. */
export async function openPostgresStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5000,
  });
  // An idle connection dropped by the server must not crash the process.
  pool.on('error', (error) => options.onError?.(error));
  await migrate(pool);

  const listeners: Array<(org: string) => void> = [];
  let listener: pg.Client | null = null;
  let closed = false;

  let reconnectTimer: NodeJS.Timeout | undefined;
  const announceAll = (): void => {
    for (const fn of listeners) fn('*');
  };
  const scheduleReconnect = (): void => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      startListening().catch((error: Error) => {
        options.onError?.(error);
        scheduleReconnect();
      });
    }, 1000);
    reconnectTimer.unref();
  };
  const startListening = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (message) => {
      if (message.channel === SETTINGS_CHANNEL && message.payload) {
        for (const fn of listeners) fn(message.payload);
      }
    });
    client.on('error', (error) => {
      options.onError?.(error);
      if (listener === client) listener = null;
      client.end().catch(() => undefined);
      // Changes may be missed while not listening: drop every cached copy now, and again on reconnect.
      announceAll();
      scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SETTINGS_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = listener === null && listeners.length > 0;
    listener = client;
    if (reconnected) announceAll();
  };

  const query = async (text: string, params: unknown[] = []): Promise<Row[]> =>
    (await pool.query(text, params)).rows as Row[];

  const upsertToken = async (client: pg.ClientBase | pg.Pool, token: StoredZoomToken): Promise<void> => {
    await client.query(
      `INSERT INTO zoom_tokens (${ZOOM_TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (org, user_id) DO UPDATE SET ${ZOOM_TOKEN_UPSERT_SET}`,
      zoomTokenParams(token),
    );
  };

  // One INSERT per batch of call records: one round trip for many calls.
  const callQueue = new BatchWriter<CallRecord>({
    write: async (calls) => {
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
    onError: (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))),
    ...(options.onCallRecordBatch ? { onBatch: options.onCallRecordBatch } : {}),
  });

  const store: Store = {
    kind: 'postgres',
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      await listener?.end().catch(() => undefined);
      try {
        await callQueue.close();
      } finally {
        await pool.end();
      }
    },
    async getOrgSettings(org) {
      const [row] = await query('SELECT * FROM org_settings WHERE org = $1', [org]);
      return row ? orgSettingsFromRow(row) : null;
    },
    async saveOrgSettings(settings, audit) {
      await transaction(pool, async (client) => {
        await client.query(
          `INSERT INTO org_settings (org, video_chat_provider, jitsi_server_url, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (org) DO UPDATE SET video_chat_provider = excluded.video_chat_provider,
           jitsi_server_url = excluded.jitsi_server_url, updated_at = excluded.updated_at`,
          [settings.org, settings.videoChatProvider, settings.jitsiServerUrl, settings.updatedAt],
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
    async listAuditLog(org, { limit, beforeId }) {
      const rows =
        beforeId === undefined
          ? await query('SELECT * FROM audit_log WHERE org = $1 ORDER BY id DESC LIMIT $2', [org, limit])
          : await query('SELECT * FROM audit_log WHERE org = $1 AND id < $2 ORDER BY id DESC LIMIT $3', [
              org,
              beforeId,
              limit,
            ]);
      return rows.map(auditEntryFromRow);
    },
    recordCall: (call) => callQueue.add(call),
    pendingCallRecords: () => callQueue.pending,
    async countCallsByDay(org, { since }) {
      await callQueue.flush();
      const rows = await query(
        `SELECT to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
           provider, COUNT(*) AS count
         FROM calls WHERE org = $1 AND created_at >= $2 GROUP BY day, provider ORDER BY day, provider`,
        [org, since],
      );
      return rows.map((row) => ({
        day: String(row['day']),
        provider: String(row['provider']),
        count: Number(row['count']),
      }));
    },
    async saveOAuthState(record) {
      await pool.query(
        'INSERT INTO oauth_states (state, org, user_id, code_verifier, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [record.state, record.org, record.userId, record.codeVerifier, record.expiresAt],
      );
    },
    async takeOAuthState(state) {
      const [row] = await query('DELETE FROM oauth_states WHERE state = $1 RETURNING *', [state]);
      return row ? oauthStateFromRow(row) : null;
    },
    async deleteExpiredOAuthStates(now) {
      return (await pool.query('DELETE FROM oauth_states WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
    async getZoomToken(org, userId) {
      const [row] = await query('SELECT * FROM zoom_tokens WHERE org = $1 AND user_id = $2', [org, userId]);
      return row ? zoomTokenFromRow(row) : null;
    },
    async saveZoomToken(token) {
      await upsertToken(pool, token);
    },
    async deleteZoomToken(org, userId) {
      return (
        ((await pool.query('DELETE FROM zoom_tokens WHERE org = $1 AND user_id = $2', [org, userId])).rowCount ?? 0) > 0
      );
    },
    async deleteZoomTokensOfZoomUser(zoomUserId, zoomAccountId) {
      const result = await pool.query(
        'DELETE FROM zoom_tokens WHERE zoom_user_id = $1 AND ($2::text IS NULL OR zoom_account_id = $2)',
        [zoomUserId, zoomAccountId],
      );
      return result.rowCount ?? 0;
    },
    async listZoomTokens() {
      return (await query('SELECT * FROM zoom_tokens ORDER BY org, user_id')).map(zoomTokenFromRow);
    },
    async withZoomTokenLock(org, userId, fn) {
      return transaction(pool, async (client) => {
        // FOR UPDATE makes every other replica wait here, then re-read the row we wrote.
        const { rows } = await client.query('SELECT * FROM zoom_tokens WHERE org = $1 AND user_id = $2 FOR UPDATE', [
          org,
          userId,
        ]);
        const row = rows[0] as Row | undefined;
        return fn(row ? zoomTokenFromRow(row) : null, {
          async save(token) {
            await upsertToken(client, token);
          },
          async delete() {
            await client.query('DELETE FROM zoom_tokens WHERE org = $1 AND user_id = $2', [org, userId]);
          },
        });
      });
    },
    async incrementCounter(key, windowStart) {
      const [row] = await query(
        `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`,
        [key, windowStart],
      );
      const count = Number(row?.['count'] ?? 0);
      // The first hit of a window sweeps the finished ones.
      if (count === 1) await pool.query('DELETE FROM rate_limits WHERE window_start < $1', [windowStart]);
      return count;
    },
    async addToCounter(key, windowStart, amount) {
      const [row] = await query(
        `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, $3)
         ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + excluded.count RETURNING count`,
        [key, windowStart, amount],
      );
      return Number(row?.['count'] ?? 0);
    },
    async releaseCounters(windowStart, amounts) {
      await pool.query(
        `UPDATE rate_limits AS r SET count = r.count - u.amount
         FROM unnest($1::text[], $2::integer[]) AS u(key, amount)
         WHERE r.key = u.key AND r.window_start = $3`,
        [[...amounts.keys()], [...amounts.values()], windowStart],
      );
    },
    async sweepCounters(windowStart) {
      await pool.query('DELETE FROM rate_limits WHERE window_start < $1', [windowStart]);
    },
    onOrgSettingsChanged(fn) {
      listeners.push(fn);
    },
  };
  try {
    await startListening();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return store;
}

async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

async function migrate(pool: pg.Pool): Promise<void> {
  await transaction(pool, async (client) => {
    // Replicas starting together queue on this lock; the first applies, the rest find nothing to do.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row: Row) => Number(row['version'])));
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
    }
  });
}
