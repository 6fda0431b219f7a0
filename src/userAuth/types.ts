/**
 * PLACEHOLDER by R1 (issue 13): the minimal shape the provider module interface needs.
 * R2 owns this file and replaces it with the generic per-user OAuth service's real types;
 * keep the names `OAuthSpec` and `UserTokens` (additive changes are safe for providers).
 */
import type { Identity } from '../auth/identity.js';

/** How a provider's per-user OAuth app works (SPEC §5); the generic service does the rest. */
export interface OAuthSpec {
  /** Provider id the tokens belong to, e.g. `zoom`. */
  providerId: string;
  /** Path name: `/calls/<path>/register|complete`, e.g. `zoom`. */
  path: string;
  /** Human name for pages and messages, e.g. "Zoom". */
  displayName: string;
  /** Popup message type, e.g. `zoom_token`. */
  messageType: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Where tokens are revoked on disconnect; absent when the provider cannot revoke one token. */
  revokeUrl?: string;
  clientId: string;
  clientSecret: string;
  /** How client credentials reach the token endpoint. */
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  /** Space-separated scopes, when the provider wants them on the authorize URL. */
  scope?: string;
  /** Extra authorize parameters, e.g. `{access_type: 'offline', prompt: 'consent'}`. */
  extraAuthorizeParams?: Record<string, string>;
  /** Refresh tokens are single-use and each refresh returns a new one. */
  refreshTokenRotates: boolean;
  /** A refresh answer may omit the refresh token; the old one is kept. */
  refreshTokenMayBeAbsent: boolean;
  /** Looks up the provider-side account after connecting (e.g. for webhooks keyed by it). */
  lookUpAccount?(accessToken: string): Promise<{ accountId: string; userId: string }>;
}

/** One provider's user tokens, as a provider's createCall uses them. */
export interface UserTokens {
  /** A usable access token; throws PROVIDER_AUTHORIZATION_REQUIRED when the user has none. */
  accessToken(identity: Identity): Promise<string>;
  /** After the provider rejected `rejected`: refresh once (across replicas) and return the new token. */
  refreshAfterRejection(identity: Identity, rejected: string): Promise<string>;
  /** Deletes the user's tokens here (e.g. after `invalid_grant`). */
  forget(identity: Identity): Promise<void>;
}
