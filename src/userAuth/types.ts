/**
 * What a provider declares to get per-user authorization (SPEC §5) from the generic
 * service in `src/userAuth/`: the OAuth endpoints and client, the path of its
 * `/calls/<path>/register|complete` routes, and the words its pages and errors use.
 * The service does the rest: state + PKCE (S256, always), encrypted storage, single-flight
 * refresh across replicas, revocation, `GET /api/v1/me` connections and disconnection.
 */
import type { Identity } from '../auth/identity.js';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post';

/** The provider's account behind a token, recorded after connecting (e.g. for a deauthorization webhook). */
export interface ProviderAccount {
  /** The provider's id of the user. */
  userId: string;
  /** The provider's id of the user's account or tenant, when it has one. */
  accountId: string | null;
}

/** The words of the flow; every one has a default built from `displayName` (see texts.ts). */
export interface OAuthTexts {
  /** PROVIDER_AUTHORIZATION_REQUIRED, e.g. "You need to connect your Zoom account first". */
  authorizationRequired: string;
  /** INVALID_STATE, e.g. "Invalid Zoom session identifier". */
  invalidState: string;
  /** PROVIDER_NOT_CONFIGURED, e.g. "Zoom credentials have not been configured". */
  notConfigured: string;
  /** The user declined at the provider (`error=` on complete) and describeAuthorizeError had no words. */
  declined: string;
  /** The token endpoint refused the authorization code. */
  codeRefused: string;
  /** The token endpoint refused our client credentials. */
  invalidCredentials: string;
  /** Any other error answer of the provider. */
  providerError: string;
  /** The provider did not answer in time. */
  timeout: string;
  /** The provider could not be reached or answered garbage. */
  unavailable: string;
  /** The provider rate-limits us. */
  rateLimited: string;
  /** Title of the popup page on success. */
  connectedTitle: string;
  /** Body of the popup page on success. */
  connectedBody: string;
  /** Title of the popup page on failure. */
  failedTitle: string;
  /** Second paragraph of the popup page on failure. */
  failedHint: string;
  /** Link text of the retry link on the failure page. */
  retryLink: string;
}

/** How a provider's per-user OAuth app works (SPEC §5); the generic service does the rest. */
export interface OAuthSpec {
  /** Provider id the tokens belong to, e.g. `zoom`; tokens and connections are keyed by it. */
  providerId: string;
  /** Path name: `/calls/<path>/register|complete`, e.g. `zoom`, `google_meet`. */
  path: string;
  /** Human name for pages and messages, e.g. "Zoom". */
  displayName: string;
  /** Popup message type; defaults to `<providerId>_token` (Zoom's is `zoom_token`). */
  messageType?: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** RFC 7009 revocation endpoint; absent when the provider cannot revoke one token (disconnect only deletes). */
  revokeUrl?: string;
  /** The server's client id; null when not configured (the routes then answer PROVIDER_NOT_CONFIGURED). */
  clientId: string | null;
  clientSecret: string | null;
  /** How client credentials reach the token endpoint: Zoom basic, Webex/Google/Microsoft post. */
  clientAuth: ClientAuthentication;
  /** Space-separated scopes, when the provider wants them on the authorize URL. */
  scope?: string;
  /** Extra authorize parameters, e.g. `{access_type: 'offline', prompt: 'consent'}`. */
  extraAuthorizeParams?: Record<string, string>;
  /**
   * Documentation only: the service always treats refresh tokens as possibly single-use
   * (one refresh at a time, the new pair stored before use) and keeps the old refresh
   * token when a refresh answer omits it.
   */
  refreshTokenRotates?: boolean;
  /** Documentation only (see refreshTokenRotates). */
  refreshTokenMayBeAbsent?: boolean;
  /** Looks up the provider-side account after connecting; null (or a throw) keeps the token without it. */
  lookUpAccount?(accessToken: string): Promise<ProviderAccount | null>;
  /** Words for a sign-in `error=` (and its description) on complete, e.g. Microsoft personal accounts; null = `texts.declined`. */
  describeAuthorizeError?(error: string, description: string | undefined): string | null;
  /** Overrides of the default texts. */
  texts?: Partial<OAuthTexts>;
}

/** Result of checkClient, as an admin's connection test reports it. */
export type ClientCheck = { status: 'ok' } | { status: 'failed'; reason: string; detail: string };

/** One provider's user tokens, as a provider's createCall uses them. */
export interface UserTokens {
  /** A usable access token; refreshes when it is about to expire; throws PROVIDER_AUTHORIZATION_REQUIRED without one. */
  accessToken(identity: Identity): Promise<string>;
  /**
   * After the provider rejected `rejected`: refresh once (across replicas) and return the
   * new token; if another flight or replica already replaced it, that token is returned.
   */
  refreshAfterRejection(identity: Identity, rejected: string): Promise<string>;
  /** Deletes the user's tokens here (the provider refused even a fresh one). */
  forget(identity: Identity): Promise<void>;
  /** The 403 PROVIDER_AUTHORIZATION_REQUIRED error (with `authorize_url` and `provider`). */
  authorizationRequired(cause?: unknown): Error;
  /** Deletes every token of one provider-side user (e.g. a deauthorization webhook); returns how many. */
  forgetAccount(accountUserId: string, accountId: string | null): Promise<number>;
  /**
   * Checks what an admin can fix without a user token: the token endpoint answers and does
   * not refuse our client credentials (a made-up refresh token must be answered invalid_grant).
   */
  checkClient(): Promise<ClientCheck>;
}
