/** Row ↔ record mapping shared by both store implementations. */
import type { ProviderId } from '../providers/ids.js';
import type { AuditEntry, OAuthStateRecord, OrgSettingsRecord, StoredZoomToken } from './types.js';

/** A database row as the drivers return it. */
export type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value);
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Maps an org_settings row. */
export function orgSettingsFromRow(row: Row): OrgSettingsRecord {
  return {
    org: String(row['org']),
    videoChatProvider: String(row['video_chat_provider']) as ProviderId,
    jitsiServerUrl: strOrNull(row['jitsi_server_url']),
    updatedAt: num(row['updated_at']),
  };
}

/** Maps an audit_log row; `changes` is JSON text on SQLite and parsed JSONB on PostgreSQL. */
export function auditEntryFromRow(row: Row): AuditEntry {
  const changes = row['changes'];
  return {
    id: num(row['id']),
    org: String(row['org']),
    actorUserId: String(row['actor_user_id']),
    actorName: String(row['actor_name']),
    action: String(row['action']),
    changes: (typeof changes === 'string' ? JSON.parse(changes) : changes) as AuditEntry['changes'],
    createdAt: num(row['created_at']),
  };
}

/** Maps an oauth_states row. */
export function oauthStateFromRow(row: Row): OAuthStateRecord {
  return {
    state: String(row['state']),
    org: String(row['org']),
    userId: String(row['user_id']),
    codeVerifier: String(row['code_verifier']),
    expiresAt: num(row['expires_at']),
  };
}

/** Maps a zoom_tokens row. */
export function zoomTokenFromRow(row: Row): StoredZoomToken {
  return {
    org: String(row['org']),
    userId: String(row['user_id']),
    zoomUserId: strOrNull(row['zoom_user_id']),
    zoomAccountId: strOrNull(row['zoom_account_id']),
    keyId: String(row['key_id']),
    ciphertext: String(row['ciphertext']),
    expiresAt: num(row['expires_at']),
    updatedAt: num(row['updated_at']),
  };
}

/** Parameters of a zoom_tokens upsert, in column order. */
export function zoomTokenParams(token: StoredZoomToken): unknown[] {
  return [
    token.org,
    token.userId,
    token.zoomUserId,
    token.zoomAccountId,
    token.keyId,
    token.ciphertext,
    token.expiresAt,
    token.updatedAt,
  ];
}

/** Columns of zoom_tokens, in the order of zoomTokenParams. */
export const ZOOM_TOKEN_COLUMNS =
  'org, user_id, zoom_user_id, zoom_account_id, key_id, ciphertext, expires_at, updated_at';

/** The SET clause of the zoom_tokens upsert (same text in both dialects). */
export const ZOOM_TOKEN_UPSERT_SET = `zoom_user_id = excluded.zoom_user_id,
  zoom_account_id = excluded.zoom_account_id, key_id = excluded.key_id,
  ciphertext = excluded.ciphertext, expires_at = excluded.expires_at, updated_at = excluded.updated_at`;
