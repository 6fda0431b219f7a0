/**
 * The general Zoom OAuth app's client (openid-client v6): authorization code with PKCE,
 * refresh, and revocation, with HTTP Basic client authentication as Zoom requires
 * (https://developers.zoom.us/docs/integrations/oauth/). Zoom publishes no discovery
 * document, so the server metadata is written out here.
 */
import * as client from 'openid-client';
import { isLoopbackHost } from '../../config/urls.js';
import { CallgateError } from '../../errors.js';
import { rateLimited, ZOOM_CALL_FAILED, ZOOM_INVALID_CREDENTIALS } from './zoomApi.js';

/** Settings of the OAuth client. */
export interface ZoomOAuthSettings {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  timeoutMs: number;
}

/** Tokens of one user as the token endpoint answered them. */
export interface UserTokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** Thrown (as a value, not a CallgateError) when Zoom says the refresh token is no longer valid. */
export class InvalidGrantError extends Error {
  constructor(options: { cause: unknown }) {
    super('Zoom refused the refresh token (invalid_grant)', options);
    this.name = 'InvalidGrantError';
  }
}

/** The OAuth operations callgate needs. */
export interface ZoomOAuthClient {
  /** The authorize URL for one redirect. */
  authorizeUrl(options: { state: string; codeChallenge: string }): string;
  /** Exchanges an authorization code (checked against state and PKCE verifier). */
  exchangeCode(options: { code: string; state: string; codeVerifier: string }): Promise<UserTokenGrant>;
  /** Refreshes; throws InvalidGrantError when the refresh token is spent or revoked. */
  refresh(refreshToken: string): Promise<UserTokenGrant>;
  /** Revokes a token at Zoom. */
  revoke(token: string): Promise<void>;
}

/** Whether a URL is plain http to a loopback host: the only case where http is allowed (tests). */
export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
}

/** Creates the client. */
export function createZoomOAuthClient(settings: ZoomOAuthSettings): ZoomOAuthClient {
  const oauth = settings.oauthUrl;
  const config = new client.Configuration(
    {
      issuer: oauth,
      authorization_endpoint: `${oauth}/oauth/authorize`,
      token_endpoint: `${oauth}/oauth/token`,
      revocation_endpoint: `${oauth}/oauth/revoke`,
    },
    settings.clientId,
    undefined,
    client.ClientSecretBasic(settings.clientSecret),
  );
  // Every request gets the upstream deadline; redirects are never followed.
  config[client.customFetch] = (url, options) =>
    fetch(url, {
      ...options,
      // openid-client types its body as Uint8Array<ArrayBufferLike>; fetch accepts it at run time.
      body: options.body as RequestInit['body'],
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  if (isLoopbackHttp(oauth)) client.allowInsecureRequests(config);

  const grant = (response: client.TokenEndpointResponse, what: string): UserTokenGrant => {
    if (!response.refresh_token || response.expires_in === undefined) {
      throw new CallgateError('PROVIDER_UNAVAILABLE', 'Error connecting to the Zoom server', {
        cause: new Error(`${what}: token answer lacks refresh_token or expires_in`),
      });
    }
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token,
      expiresInSeconds: response.expires_in,
    };
  };

  return {
    authorizeUrl({ state, codeChallenge }) {
      return client
        .buildAuthorizationUrl(config, {
          redirect_uri: settings.redirectUri,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        })
        .toString();
    },
    async exchangeCode({ code, state, codeVerifier }) {
      const callback = new URL(settings.redirectUri);
      callback.searchParams.set('code', code);
      callback.searchParams.set('state', state);
      try {
        const response = await client.authorizationCodeGrant(config, callback, {
          expectedState: state,
          pkceCodeVerifier: codeVerifier,
        });
        return grant(response, 'authorization code');
      } catch (error) {
        // A code that is expired, already used or made up is the caller's, not our
        // credentials' fault: Zoom answers it invalid_grant.
        if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
          throw new CallgateError(
            'BAD_REQUEST',
            'code: Zoom did not accept the authorization code (expired or already used)',
            { cause: error, fields: { field: 'code' } },
          );
        }
        throw oauthError(error);
      }
    },
    async refresh(refreshToken) {
      try {
        return grant(await client.refreshTokenGrant(config, refreshToken), 'refresh');
      } catch (error) {
        if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
          throw new InvalidGrantError({ cause: error });
        }
        throw oauthError(error);
      }
    },
    async revoke(token) {
      try {
        await client.tokenRevocation(config, token);
      } catch (error) {
        throw oauthError(error);
      }
    },
  };
}

/**
 * Maps an openid-client failure: a 4xx from the token endpoint means our client credentials
 * (or the code) were refused; 429 is passed on; timeouts, resets and garbled answers are
 * transport problems.
 */
export function oauthError(error: unknown): CallgateError {
  if (error instanceof CallgateError) return error;
  const status = statusOf(error);
  if (status === 429) return rateLimited(headersOf(error)?.get('retry-after') ?? undefined, error);
  if (error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError) {
    if (status !== undefined && status >= 400 && status < 500) {
      return new CallgateError('PROVIDER_AUTH_FAILED', ZOOM_INVALID_CREDENTIALS, { cause: error });
    }
    return new CallgateError('PROVIDER_ERROR', ZOOM_CALL_FAILED, { cause: error });
  }
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') {
      return new CallgateError('PROVIDER_TIMEOUT', 'Timed out connecting to the Zoom server', { cause: error });
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return new CallgateError('PROVIDER_AUTH_FAILED', ZOOM_INVALID_CREDENTIALS, { cause: error });
    }
  }
  // Resets and refused connections reach here as fetch's TypeError; garbled answers as ClientError.
  return new CallgateError('PROVIDER_UNAVAILABLE', 'Error connecting to the Zoom server', { cause: error });
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
