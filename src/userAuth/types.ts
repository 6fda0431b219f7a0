/**
 * What a provider declares to get per-user authorization (SPEC §5) from the generic
 * service in `src/userAuth/`: the OAuth endpoints and client, the path of its
 * `/calls/<path>/register|complete` routes, and the words its pages and errors use.
 * The service does the rest: state + PKCE, encrypted storage, single-flight refresh,
 * revocation, `GET /api/v1/me` connections and disconnection.
 */
import type { Identity } from '../auth/identity.js';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post';

/** The provider's account behind a token, recorded after connecting (e.g. for a deauthorization webhook). */
export interface ProviderAccount {
  accountUserId: string;
  accountId: string | null;
}

/** The words of the flow; every one has a default built from `displayName`. */
export interface OAuthTexts {
  /** PROVIDER_AUTHORIZATION_REQUIRED, e.g. "You need to connect your Zoom account first". */
  authorizationRequired: string;
  /** INVALID_STATE, e.g. "Invalid Zoom session identifier". */
  invalidState: string;
  /** PROVIDER_NOT_CONFIGURED, e.g. "Zoom credentials have not been configured". */
  notConfigured: string;
  /** The user declined at the provider (`error=` on complete) and mapError had no words. */
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

/** The OAuth 2.0 side of one provider with per-user tokens. */
export interface OAuthSpec {
  /** The provider id, e.g. `zoom`; tokens and connections are keyed by it. */
  providerId: string;
  /** Path segment of `/calls/<path>/register|complete`, e.g. `zoom`, `google_meet`. */
  path: string;
  /** Human name used in every text, e.g. "Zoom". */
  displayName: string;
  /** `type` of the popup message; defaults to `<providerId>_token`. */
  popupMessageType?: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009 revocation endpoint; without it disconnecting only deletes our copy. */
  revocationEndpoint?: string;
  clientId: string;
  clientSecret: string;
  clientAuthentication: ClientAuthentication;
  /** Space-separated scopes; omitted from the authorize URL when empty. */
  scope?: string;
  /** Extra authorize parameters, e.g. Google's `access_type=offline`, `prompt=consent`. */
  extraAuthorizeParams?: Record<string, string>;
  /** Looks up the account behind a fresh token after connecting; null when the provider will not say. */
  lookUpAccount?: (accessToken: string) => Promise<ProviderAccount | null>;
  /** Words for a sign-in `error=` (and its description) on complete, e.g. Microsoft personal accounts; null = default. */
  describeAuthorizeError?: (error: string, description: string | undefined) => string | null;
  /** Overrides of the default texts. */
  texts?: Partial<OAuthTexts>;
}

/** What a provider's createCall gets: the user's tokens, refreshed and stored by the service. */
export interface UserTokens {
  /** A usable access token; refreshes when it is about to expire; 403 PROVIDER_AUTHORIZATION_REQUIRED without one. */
  accessToken(identity: Identity): Promise<string>;
  /**
   * A new access token after the provider refused `rejected`; if another flight or replica
   * has already replaced it, that token is returned instead of refreshing again.
   */
  refreshAfterRejection(identity: Identity, rejected: string): Promise<string>;
  /** Forgets the user's tokens after the provider refused even a fresh one. */
  forget(identity: Identity): Promise<void>;
  /** The 403 PROVIDER_AUTHORIZATION_REQUIRED error (with `authorize_url` and `provider`). */
  authorizationRequired(cause?: unknown): Error;
}
