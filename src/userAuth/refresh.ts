/**
 * A provider's user-token handle: a usable access token, refreshed at most once per user
 * and provider at a time — one flight per user inside this process, and the row lock of
 * `UserTokenRepository.withLock` across replicas. Refresh tokens may be single-use and
 * rotate on every refresh (Zoom's do), so the rotated pair is stored before the new access
 * token is used; if the process dies between the provider's answer and the write, the pair
 * is lost and the user authorizes again, which is the safe failure.
 */
import type { Identity } from '../auth/identity.js';
import { CallgateError, isCallgateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { UserTokenRepository } from '../store/types.js';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import { InvalidGrantError, type OAuthClient, type UserTokenGrant } from './oauthClient.js';
import type { ClientCheck, OAuthSpec, OAuthTexts, UserTokens } from './types.js';
import { openTokens, sealTokens } from './vault.js';

/** Access tokens are refreshed this long before the provider's expiry. */
export const REFRESH_EARLY_MS = 60_000;

/** What a handle needs. */
export interface HandleDeps {
  spec: OAuthSpec;
  texts: OAuthTexts;
  /** Null when the spec has no client credentials. */
  client: OAuthClient | null;
  tokens: UserTokenRepository;
  cipher: TokenCipher;
  publicUrl: string;
  logger: Logger;
  now: () => number;
}

/** The 403 that sends a user to authorize the provider (again). */
export function authorizationRequired(
  spec: OAuthSpec,
  texts: OAuthTexts,
  publicUrl: string,
  cause?: unknown,
): CallgateError {
  return new CallgateError('PROVIDER_AUTHORIZATION_REQUIRED', texts.authorizationRequired, {
    cause,
    fields: { authorize_url: `${publicUrl}/calls/${spec.path}/register`, provider: spec.providerId },
  });
}

/** The client of a configured spec; PROVIDER_NOT_CONFIGURED otherwise. */
export function requireClient(deps: Pick<HandleDeps, 'client' | 'texts'>): OAuthClient {
  if (!deps.client) throw new CallgateError('PROVIDER_NOT_CONFIGURED', deps.texts.notConfigured);
  return deps.client;
}

/** Creates the handle a provider's createCall uses. */
export function createUserTokensHandle(deps: HandleDeps): UserTokens {
  const { spec, tokens, cipher, now } = deps;
  const provider = spec.providerId;
  const log = deps.logger.child({ module: 'user-tokens', provider });
  const flights = new Map<string, Promise<string>>();
  const required = (cause?: unknown): CallgateError => authorizationRequired(spec, deps.texts, deps.publicUrl, cause);

  /** Refreshes under the row lock; `rejected` is the access token the provider refused, if any. */
  const refreshLocked = async (identity: Identity, rejected: string | null): Promise<string> => {
    const outcome = await tokens.withLock(
      provider,
      identity.org,
      identity.userId,
      async (current, tx): Promise<{ token: string } | { revoked: unknown }> => {
        if (!current) return { revoked: null };
        const plain = openTokens(cipher, current);
        // Another flight or replica refreshed while we waited for the lock: use its token.
        const fresh = current.expiresAt - REFRESH_EARLY_MS > now();
        if (fresh && plain.accessToken !== rejected) return { token: plain.accessToken };
        if (plain.refreshToken === undefined) {
          await tx.delete();
          return { revoked: new Error('no refresh token was issued') };
        }
        let grant: UserTokenGrant;
        try {
          grant = await requireClient(deps).refresh(plain.refreshToken);
        } catch (error) {
          if (!(error instanceof InvalidGrantError)) throw error;
          // Deleted inside the transaction, which commits because we return rather than throw.
          await tx.delete();
          return { revoked: error };
        }
        await tx.save(
          sealTokens(
            cipher,
            { ...current, expiresAt: now() + grant.expiresInSeconds * 1000 },
            // A refresh answer without a refresh token keeps the old one.
            { accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? plain.refreshToken },
            now(),
          ),
        );
        log.info({ org: identity.org, userId: identity.userId }, 'user token refreshed');
        return { token: grant.accessToken };
      },
    );
    if ('revoked' in outcome) {
      if (outcome.revoked) log.info({ org: identity.org, userId: identity.userId }, 'user grant revoked; deleted');
      throw required(outcome.revoked ?? undefined);
    }
    return outcome.token;
  };

  const refresh = (identity: Identity, rejected: string | null): Promise<string> => {
    const key = JSON.stringify([identity.org, identity.userId]);
    const running = flights.get(key);
    if (running) return running;
    const flight = refreshLocked(identity, rejected).finally(() => flights.delete(key));
    flights.set(key, flight);
    return flight;
  };

  return {
    async accessToken(identity) {
      requireClient(deps);
      const row = await tokens.get(provider, identity.org, identity.userId);
      if (!row) throw required();
      if (row.expiresAt - REFRESH_EARLY_MS > now()) return openTokens(cipher, row).accessToken;
      return refresh(identity, null);
    },
    refreshAfterRejection(identity, rejected) {
      return refresh(identity, rejected);
    },
    async forget(identity) {
      await tokens.delete(provider, identity.org, identity.userId);
      log.info({ org: identity.org, userId: identity.userId }, 'user token refused after refresh; deleted');
    },
    authorizationRequired(cause) {
      return required(cause);
    },
    forgetAccount(accountUserId, accountId) {
      return tokens.deleteOfAccount(provider, accountUserId, accountId);
    },
    async checkClient(): Promise<ClientCheck> {
      if (!deps.client) return { status: 'failed', reason: 'not_configured', detail: deps.texts.notConfigured };
      try {
        await deps.client.refresh('callgate-connection-check');
        return {
          status: 'failed',
          reason: 'unexpected_answer',
          detail: `${spec.displayName} accepted a made-up refresh token`,
        };
      } catch (error) {
        if (error instanceof InvalidGrantError) return { status: 'ok' };
        if (isCallgateError(error) && error.code === 'PROVIDER_AUTH_FAILED') {
          return { status: 'failed', reason: 'invalid_credentials', detail: error.message };
        }
        const detail = isCallgateError(error) ? error.message : 'Unexpected error';
        return { status: 'failed', reason: 'unreachable', detail };
      }
    },
  };
}
