/**
 * PostgreSQL store (pg): for several replicas sharing one database.
 * Migrations run under an advisory lock so replicas starting together apply each once;
 * settings changes are announced with NOTIFY so every replica drops its cached copy.
 */
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../migrations/schema.js';
import type { Row } from '../rows.js';
import type { Store, StoreOptions } from '../types.js';
import {
  postgresAuditLog,
  postgresCallRecords,
  postgresCounters,
  postgresOAuthStates,
  postgresOrgCredentials,
  postgresOrgSettings,
  postgresUserTokens,
  CREDENTIALS_CHANNEL,
  postgresWebhookDeliveries,
  SETTINGS_CHANNEL,
  transaction,
} from './repositories.js';

const MIGRATION_LOCK_ID = 0x63616c6c; // "call"

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
  const credentialListeners: Array<(org: string) => void> = [];
  const byChannel: Record<string, Array<(org: string) => void>> = {
    [SETTINGS_CHANNEL]: listeners,
    [CREDENTIALS_CHANNEL]: credentialListeners,
  };
  let listener: pg.Client | null = null;
  let closed = false;

  let reconnectTimer: NodeJS.Timeout | undefined;
  const announceAll = (): void => {
    for (const fn of [...listeners, ...credentialListeners]) fn('*');
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
      const channelListeners = byChannel[message.channel];
      if (channelListeners && message.payload) {
        for (const fn of channelListeners) fn(message.payload);
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
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = listener === null && listeners.length + credentialListeners.length > 0;
    listener = client;
    if (reconnected) announceAll();
  };

  const callRecords = postgresCallRecords(pool, options);
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
        // Queued call records go out before the pool closes.
        await callRecords.close();
      } finally {
        await pool.end();
      }
    },
    orgSettings: postgresOrgSettings(pool, listeners),
    auditLog: postgresAuditLog(pool),
    callRecords,
    oauthStates: postgresOAuthStates(pool),
    userTokens: postgresUserTokens(pool),
    counters: postgresCounters(pool),
    orgCredentials: postgresOrgCredentials(pool, credentialListeners),
    webhookDeliveries: postgresWebhookDeliveries(pool),
  };
  try {
    await startListening();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return store;
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
