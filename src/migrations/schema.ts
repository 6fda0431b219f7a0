/**
 * Versioned schema migrations, one list per dialect, applied in order at start-up by the
 * store (`src/store/`). A migration is never edited once released: add a new version.
 *
 * This history lives outside `src/store/` because released migrations are frozen text
 * that names what existed then (version 1 created a `zoom_tokens` table and an org
 * `jitsi_server_url` column); the store itself knows no provider. Version 3 moves both to
 * provider-neutral shapes, so the current schema names none.
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

/**
 * Version 3: one user-token table keyed by provider, states bound to a provider, org
 * overrides of provider settings as a JSON map. Existing Zoom tokens move as they are:
 * their ciphertext's associated data, `["zoom_tokens", org, user]`, is exactly what the
 * user-authorization service computes for provider `zoom`, so nobody authorizes again.
 * Pending states were all Zoom's.
 */
const byProvider = (types: { bigint: string; json: string; jsonObject: string }): string => `
CREATE TABLE user_tokens (
  provider TEXT NOT NULL,
  org TEXT NOT NULL,
  user_id TEXT NOT NULL,
  account_user_id TEXT,
  account_id TEXT,
  key_id TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  expires_at ${types.bigint} NOT NULL,
  updated_at ${types.bigint} NOT NULL,
  PRIMARY KEY (provider, org, user_id)
);
CREATE INDEX user_tokens_account ON user_tokens (provider, account_user_id);
INSERT INTO user_tokens (provider, org, user_id, account_user_id, account_id, key_id, ciphertext, expires_at, updated_at)
  SELECT 'zoom', org, user_id, zoom_user_id, zoom_account_id, key_id, ciphertext, expires_at, updated_at
  FROM zoom_tokens;
DROP TABLE zoom_tokens;
ALTER TABLE oauth_states ADD COLUMN provider TEXT NOT NULL DEFAULT 'zoom';
ALTER TABLE org_settings ADD COLUMN provider_settings ${types.json} NOT NULL DEFAULT '{}';
UPDATE org_settings SET provider_settings = ${types.jsonObject}('jitsi_server_url', jitsi_server_url)
  WHERE jitsi_server_url IS NOT NULL;
ALTER TABLE org_settings DROP COLUMN jitsi_server_url;
`;

/**
 * Version 4 (SPEC §9): signed webhook deliveries acted on, so a replay changes nothing across
 * replicas; pending OAuth states are looked up per user to cap them.
 */
const security = (bigint: string): string => `
CREATE TABLE webhook_deliveries (
  key TEXT PRIMARY KEY,
  expires_at ${bigint} NOT NULL
);
CREATE INDEX webhook_deliveries_expires ON webhook_deliveries (expires_at);
CREATE INDEX oauth_states_user ON oauth_states (org, user_id);
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
  {
    version: 3,
    name: 'user_tokens_by_provider',
    sql: byProvider({ bigint: 'INTEGER', json: 'TEXT', jsonObject: 'json_object' }),
  },
  { version: 4, name: 'webhook_deliveries', sql: security('INTEGER') },
];

/** PostgreSQL migrations. */
export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: common({ bool: 'BOOLEAN', bigint: 'BIGINT', serial: 'BIGSERIAL PRIMARY KEY', json: 'JSONB' }),
  },
  { version: 2, name: 'rate_limits', sql: rateLimits('BIGINT') },
  {
    version: 3,
    name: 'user_tokens_by_provider',
    sql:
      byProvider({ bigint: 'BIGINT', json: 'JSONB', jsonObject: 'jsonb_build_object' }) +
      'ALTER TABLE oauth_states ALTER COLUMN provider DROP DEFAULT;\n',
  },
  { version: 4, name: 'webhook_deliveries', sql: security('BIGINT') },
];
