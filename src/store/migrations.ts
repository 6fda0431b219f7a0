/**
 * Versioned schema migrations, one list per dialect, applied in order at start-up.
 * A migration is never edited once released: add a new version instead.
 */

/** One schema version. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const common = (types: { bool: string; bigint: string; serial: string; json: string }): string => `
CREATE TABLE org_settings (
  org TEXT PRIMARY KEY,
  video_chat_provider TEXT NOT NULL,
  jitsi_server_url TEXT,
  updated_at ${types.bigint} NOT NULL
);
CREATE TABLE audit_log (
  id ${types.serial},
  org TEXT NOT NULL,
  actor_user_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  changes ${types.json} NOT NULL,
  created_at ${types.bigint} NOT NULL
);
CREATE INDEX audit_log_org_id ON audit_log (org, id);
CREATE TABLE calls (
  id ${types.serial},
  org TEXT NOT NULL,
  user_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  is_video_call ${types.bool} NOT NULL,
  created_at ${types.bigint} NOT NULL
);
CREATE INDEX calls_org_created ON calls (org, created_at);
CREATE TABLE oauth_states (
  state TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  user_id TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  expires_at ${types.bigint} NOT NULL
);
CREATE TABLE zoom_tokens (
  org TEXT NOT NULL,
  user_id TEXT NOT NULL,
  zoom_user_id TEXT,
  zoom_account_id TEXT,
  key_id TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  expires_at ${types.bigint} NOT NULL,
  updated_at ${types.bigint} NOT NULL,
  PRIMARY KEY (org, user_id)
);
CREATE INDEX zoom_tokens_zoom_user ON zoom_tokens (zoom_user_id);
`;

const rateLimits = (bigint: string): string => `
CREATE TABLE rate_limits (
  key TEXT NOT NULL,
  window_start ${bigint} NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
`;

/** SQLite migrations. */
export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: common({
      bool: 'INTEGER',
      bigint: 'INTEGER',
      serial: 'INTEGER PRIMARY KEY AUTOINCREMENT',
      json: 'TEXT',
    }),
  },
  { version: 2, name: 'rate_limits', sql: rateLimits('INTEGER') },
];

/** PostgreSQL migrations. */
export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: common({ bool: 'BOOLEAN', bigint: 'BIGINT', serial: 'BIGSERIAL PRIMARY KEY', json: 'JSONB' }),
  },
  { version: 2, name: 'rate_limits', sql: rateLimits('BIGINT') },
];
