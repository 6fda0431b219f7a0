/** Row ↔ record mapping shared by both store implementations. */
import type { AuditEntry, OAuthStateRecord, OrgSettingsRecord, StoredUserToken } from './types.js';

/** A database row as the drivers return it. */
export type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value);
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
/** JSON columns are text on SQLite and parsed JSONB on PostgreSQL. */
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** Maps an org_settings row. */
export function orgSettingsFromRow(row: Row): OrgSettingsRecord {
  const settings = json(row['provider_settings']);
  const providerSettings: Record<string, string> = {};
  if (settings && typeof settings === 'object') {
    for (const [key, value] of Object.entries(settings)) if (typeof value === 'string') providerSettings[key] = value;
  }
  return {
    org: String(row['org']),
    videoChatProvider: String(row['video_chat_provider']),
    providerSettings,
    updatedAt: num(row['updated_at']),
  };
}

/** Maps an audit_log row. */
export function auditEntryFromRow(row: Row): AuditEntry {
  return {
    id: num(row['id']),
    org: String(row['org']),
    actorUserId: String(row['actor_user_id']),
    actorName: String(row['actor_name']),
    action: String(row['action']),
    changes: json(row['changes']) as AuditEntry['changes'],
    createdAt: num(row['created_at']),
  };
}

/** Maps an oauth_states row. */
export function oauthStateFromRow(row: Row): OAuthStateRecord {
  return {
    state: String(row['state']),
    provider: String(row['provider']),
    org: String(row['org']),
    userId: String(row['user_id']),
    codeVerifier: String(row['code_verifier']),
    expiresAt: num(row['expires_at']),
  };
}

/** Maps a user_tokens row. */
export function userTokenFromRow(row: Row): StoredUserToken {
  return {
    provider: String(row['provider']),
    org: String(row['org']),
    userId: String(row['user_id']),
    accountUserId: strOrNull(row['account_user_id']),
    accountId: strOrNull(row['account_id']),
    keyId: String(row['key_id']),
    ciphertext: String(row['ciphertext']),
    expiresAt: num(row['expires_at']),
    updatedAt: num(row['updated_at']),
  };
}

/** Parameters of a user_tokens upsert, in the order of USER_TOKEN_COLUMNS. */
export function userTokenParams(token: StoredUserToken): unknown[] {
  return [
    token.provider,
    token.org,
    token.userId,
    token.accountUserId,
    token.accountId,
    token.keyId,
    token.ciphertext,
    token.expiresAt,
    token.updatedAt,
  ];
}

/** Columns of user_tokens, in the order of userTokenParams. */
export const USER_TOKEN_COLUMNS =
  'provider, org, user_id, account_user_id, account_id, key_id, ciphertext, expires_at, updated_at';

/** The conflict target and SET clause of the user_tokens upsert (same text in both dialects). */
export const USER_TOKEN_UPSERT = `ON CONFLICT (provider, org, user_id) DO UPDATE SET
  account_user_id = excluded.account_user_id, account_id = excluded.account_id, key_id = excluded.key_id,
  ciphertext = excluded.ciphertext, expires_at = excluded.expires_at, updated_at = excluded.updated_at`;

/** Maps a row of the calls-per-day query. */
export function dailyCountFromRow(row: Row): { day: string; provider: string; count: number } {
  return { day: String(row['day']), provider: String(row['provider']), count: num(row['count']) };
}
