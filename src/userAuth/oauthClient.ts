/**
 * The OAuth 2.0 client of one provider (openid-client v6): authorization code with PKCE
 * S256, refresh and revocation, with the client authentication the provider requires.
 * Providers of this kind publish no usable discovery document for us, so the server
 * metadata is the spec's endpoints.
 */
import * as client from 'openid-client';
import { isLoopbackHost } from '../config/urls.js';
import { CallgateError } from '../errors.js';
import type { OAuthSpec, OAuthTexts } from './types.js';

/** Tokens of one user as the token endpoint answered them. */
export interface UserTokenGrant {
  accessToken: string;
  /** Absent when the provider did not send one (a refresh then keeps the old one). */
  refreshToken: string | undefined;
  expiresInSeconds: number;
}

/** Thrown when the provider says the refresh token is no longer valid (`invalid_grant`). */
export class InvalidGrantError extends Error {
  constructor(options: { cause: unknown }) {
    super('the provider refused the refresh token (invalid_grant)', options);
    this.name = 'InvalidGrantError';
  }
}

/** The OAuth operations the service needs. */
export interface OAuthClient {
  /** The authorize URL for one redirect. */
  authorizeUrl(options: { state: string; codeChallenge: string }): string;
  /** Exchanges an authorization code (checked against state and PKCE verifier). */
  exchangeCode(options: { code: string; state: string; codeVerifier: string }): Promise<UserTokenGrant>;
  /** Refreshes; throws InvalidGrantError when the refresh token is spent or revoked. */
  refresh(refreshToken: string): Promise<UserTokenGrant>;
  /** Revokes a token; resolves without doing anything when the provider has no revocation endpoint. */
  revoke(token: string): Promise<void>;
}

/** An access token whose lifetime the provider did not state is treated as living this long. */
const DEFAULT_EXPIRES_IN_SECONDS = 3600;
/** Retry-After used when the provider rate-limits without saying for how long. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Whether a URL is plain http to a loopback host: the only case where http is allowed (tests). */
export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
}

/** Creates the client of a configured spec. */
export function createOAuthClient(
  spec: OAuthSpec & { clientId: string; clientSecret: string },
  options: { redirectUri: string; timeoutMs: number; texts: OAuthTexts },
): OAuthClient {
  const { texts } = options;
  const auth =
    spec.clientAuth === 'client_secret_basic'
      ? client.ClientSecretBasic(spec.clientSecret)
      : client.ClientSecretPost(spec.clientSecret);
  const config = new client.Configuration(
    {
      issuer: new URL(spec.tokenUrl).origin,
      authorization_endpoint: spec.authorizeUrl,
      token_endpoint: spec.tokenUrl,
      ...(spec.revokeUrl ? { revocation_endpoint: spec.revokeUrl } : {}),
    },
    spec.clientId,
    undefined,
    auth,
  );
  // Every request gets the upstream deadline; redirects are never followed.
  config[client.customFetch] = (url, init) =>
    fetch(url, {
      ...init,
      // openid-client types its body as Uint8Array<ArrayBufferLike>; fetch accepts it at run time.
      body: init.body as RequestInit['body'],
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  if ([spec.authorizeUrl, spec.tokenUrl, spec.revokeUrl].some((url) => url !== undefined && isLoopbackHttp(url))) {
    client.allowInsecureRequests(config);
  }

  const grant = (response: client.TokenEndpointResponse): UserTokenGrant => ({
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresInSeconds: response.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS,
  });
  const mapError = (error: unknown): CallgateError => oauthError(error, texts);

  return {
    authorizeUrl({ state, codeChallenge }) {
      return client
        .buildAuthorizationUrl(config, {
          redirect_uri: options.redirectUri,
          ...(spec.scope ? { scope: spec.scope } : {}),
          ...spec.extraAuthorizeParams,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        })
        .toString();
    },
    async exchangeCode({ code, state, codeVerifier }) {
      const callback = new URL(options.redirectUri);
      callback.searchParams.set('code', code);
      callback.searchParams.set('state', state);
      try {
        const response = await client.authorizationCodeGrant(config, callback, {
          expectedState: state,
          pkceCodeVerifier: codeVerifier,
        });
        return grant(response);
      } catch (error) {
        // A code that is expired, already used or made up is the caller's, not our
        // credentials' fault: the provider answers it invalid_grant.
        if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
          throw new CallgateError('BAD_REQUEST', texts.codeRefused, { cause: error, fields: { field: 'code' } });
        }
        throw mapError(error);
      }
    },
    async refresh(refreshToken) {
      try {
        return grant(await client.refreshTokenGrant(config, refreshToken));
      } catch (error) {
        if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
          throw new InvalidGrantError({ cause: error });
        }
        throw mapError(error);
      }
    },
    async revoke(token) {
      if (!spec.revokeUrl) return;
      try {
        await client.tokenRevocation(config, token);
      } catch (error) {
        throw mapError(error);
      }
    },
  };
}

/**
 * Maps an openid-client failure: a 4xx from the token endpoint means our client credentials
 * (or the code) were refused; 429 is passed on; timeouts, resets and garbled answers are
 * transport problems.
 */
export function oauthError(error: unknown, texts: OAuthTexts): CallgateError {
  if (error instanceof CallgateError) return error;
  const status = statusOf(error);
  if (status === 429) {
    const seconds = retryAfterSeconds(headersOf(error)?.get('retry-after') ?? null);
    return new CallgateError('RATE_LIMITED', texts.rateLimited, {
      cause: error,
      headers: { 'Retry-After': String(seconds) },
      fields: { retry_after: seconds },
    });
  }
  if (error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError) {
    if (status !== undefined && status >= 400 && status < 500) {
      return new CallgateError('PROVIDER_AUTH_FAILED', texts.invalidCredentials, { cause: error });
    }
    return new CallgateError('PROVIDER_ERROR', texts.providerError, { cause: error });
  }
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') {
      return new CallgateError('PROVIDER_TIMEOUT', texts.timeout, { cause: error });
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return new CallgateError('PROVIDER_AUTH_FAILED', texts.invalidCredentials, { cause: error });
    }
  }
  // Resets and refused connections reach here as fetch's TypeError; garbled answers as ClientError.
  return new CallgateError('PROVIDER_UNAVAILABLE', texts.unavailable, { cause: error });
}

function retryAfterSeconds(value: string | null): number {
  if (value !== null && value.trim() !== '') {
    if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - Date.now()) / 1000));
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError) {
    return error.status;
  }
  if (error instanceof client.ClientError && error.cause instanceof Response) return error.cause.status;
  return undefined;
}

function headersOf(error: unknown): Headers | undefined {
  if (error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError) {
    return error.response.headers;
  }
  if (error instanceof client.ClientError && error.cause instanceof Response) return error.cause.headers;
  return undefined;
}
