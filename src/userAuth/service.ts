/**
 * The per-user authorization service (SPEC §5) every OAuth provider plugs into: a provider
 * module hands its `OAuthSpec` to `register` and gets the `UserTokens` handle its createCall
 * uses; the routes (`routes.ts`) drive the redirect flow, connections and disconnection.
 * An authorization redirect carries a random state and a PKCE verifier stored server-side,
 * single-use, bound to provider, org and user, valid for 10 minutes. Starts are limited per
 * user, expired states are swept and a user keeps at most MAX_PENDING_STATES (SPEC §9), so
 * no one can pile up rows of PKCE verifiers.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '../auth/identity.js';
import type { RateLimiter } from '../calls/rateLimit.js';
import { randomToken } from '../crypto/random.js';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import { CallgateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { OAuthStateRepository, UserTokenRepository } from '../store/types.js';
import { createOAuthClient, type OAuthClient } from './oauthClient.js';
import { createUserTokensHandle, requireClient } from './refresh.js';
import { textsOf } from './texts.js';
import type { OAuthSpec, OAuthTexts, ProviderAccount, UserTokens } from './types.js';
import { openTokens, sealTokens } from './vault.js';

/** How long an authorization redirect may take. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/**
 * Pending authorizations a user keeps (any provider): a few open popups or tabs work; a
 * newer start drops the oldest, whose popup then answers "Invalid … session identifier".
 */
export const MAX_PENDING_STATES = 5;

/** One registered provider. */
export interface UserAuthEntry {
  spec: OAuthSpec;
  texts: OAuthTexts;
  client: OAuthClient | null;
  handle: UserTokens;
}

/** A user's connection as `GET /api/v1/me` reports it. */
export interface Connection {
  connected: boolean;
  expires_at: string | null;
}

/** Dependencies of the service. */
export interface UserAuthDeps {
  oauthStates: OAuthStateRepository;
  userTokens: UserTokenRepository;
  cipher: TokenCipher;
  publicUrl: string;
  timeoutMs: number;
  logger: Logger;
  now: () => number;
  /** Limits authorization starts per user (CALLS_PER_MINUTE; SPEC §9). */
  startLimiter?: RateLimiter;
}

/** The service. */
export interface UserAuthService {
  /** Registers a provider's spec (once per provider id) and returns its handle. */
  register(spec: OAuthSpec): UserTokens;
  /** Every registered provider, in registration order. */
  entries(): UserAuthEntry[];
  /** The registered provider with this id, or undefined. */
  entry(providerId: string): UserAuthEntry | undefined;
  /** Starts an authorization: stores a fresh state and returns the provider's authorize URL. */
  startAuthorization(providerId: string, identity: Identity): Promise<string>;
  /** Completes an authorization for the user the state was issued to. */
  completeAuthorization(providerId: string, identity: Identity, query: { code: string; state: string }): Promise<void>;
  /** Revokes at the provider where it can (best effort) and deletes. Returns whether a token existed. */
  disconnect(providerId: string, identity: Identity): Promise<boolean>;
  /** The caller's connections to each of `providerIds`. */
  connections(identity: Identity, providerIds: readonly string[]): Promise<Record<string, Connection>>;
}

/** Creates the service. */
export function createUserAuthService(deps: UserAuthDeps): UserAuthService {
  const { now } = deps;
  const log = deps.logger.child({ module: 'user-auth' });
  const byId = new Map<string, UserAuthEntry>();

  const entryOf = (providerId: string): UserAuthEntry => {
    const found = byId.get(providerId);
    if (!found) throw new CallgateError('NOT_FOUND', `Unknown provider: ${providerId}`);
    return found;
  };

  return {
    register(spec) {
      const existing = byId.get(spec.providerId);
      if (existing) return existing.handle;
      const texts = textsOf(spec);
      const { clientId, clientSecret } = spec;
      const client =
        clientId && clientSecret
          ? createOAuthClient(
              { ...spec, clientId, clientSecret },
              { redirectUri: `${deps.publicUrl}/calls/${spec.path}/complete`, timeoutMs: deps.timeoutMs, texts },
            )
          : null;
      const handle = createUserTokensHandle({
        spec,
        texts,
        client,
        tokens: deps.userTokens,
        cipher: deps.cipher,
        publicUrl: deps.publicUrl,
        logger: deps.logger,
        now,
      });
      byId.set(spec.providerId, { spec, texts, client, handle });
      return handle;
    },

    entries() {
      return [...byId.values()];
    },

    entry(providerId) {
      return byId.get(providerId);
    },

    async startAuthorization(providerId, identity) {
      const entry = entryOf(providerId);
      const client = requireClient(entry);
      await deps.startLimiter?.hit(identity);
      // Abandoned redirects are swept here, so the table only holds the last 10 minutes.
      await deps.oauthStates.deleteExpired(now());
      const state = randomToken(32);
      const codeVerifier = randomToken(48);
      await deps.oauthStates.save({
        state,
        provider: providerId,
        org: identity.org,
        userId: identity.userId,
        codeVerifier,
        expiresAt: now() + OAUTH_STATE_TTL_MS,
      });
      await deps.oauthStates.keepNewest(identity.org, identity.userId, MAX_PENDING_STATES);
      const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      return client.authorizeUrl({ state, codeChallenge });
    },

    async completeAuthorization(providerId, identity, { code, state }) {
      const entry = entryOf(providerId);
      const client = requireClient(entry);
      const invalidState = (): CallgateError => new CallgateError('INVALID_STATE', entry.texts.invalidState);
      // Taken (deleted) before anything else: a state is good for one attempt only.
      const record = await deps.oauthStates.take(state);
      if (!record || record.expiresAt <= now() || record.provider !== providerId) throw invalidState();
      if (record.org !== identity.org || record.userId !== identity.userId) throw invalidState();
      const grant = await client.exchangeCode({ code, state, codeVerifier: record.codeVerifier });
      let account: ProviderAccount | null = null;
      try {
        account = (await entry.spec.lookUpAccount?.(grant.accessToken)) ?? null;
      } catch (error) {
        // The token works for calls even if the provider will not say who it belongs to.
        log.warn({ err: error, provider: providerId }, 'could not look up the provider account; token kept');
      }
      await deps.userTokens.save(
        sealTokens(
          deps.cipher,
          {
            provider: providerId,
            org: identity.org,
            userId: identity.userId,
            accountUserId: account?.userId ?? null,
            accountId: account?.accountId ?? null,
            expiresAt: now() + grant.expiresInSeconds * 1000,
          },
          grant.refreshToken === undefined
            ? { accessToken: grant.accessToken }
            : { accessToken: grant.accessToken, refreshToken: grant.refreshToken },
          now(),
        ),
      );
      log.info({ org: identity.org, userId: identity.userId, provider: providerId }, 'provider account connected');
    },

    async disconnect(providerId, identity) {
      const entry = entryOf(providerId);
      const row = await deps.userTokens.get(providerId, identity.org, identity.userId);
      if (!row) return false;
      if (entry.client) {
        try {
          await entry.client.revoke(openTokens(deps.cipher, row).accessToken);
        } catch (error) {
          // Best effort: the user asked to be disconnected, and deleting our copy does that.
          log.warn({ err: error, provider: providerId }, 'token revocation failed; deleting anyway');
        }
      }
      return deps.userTokens.delete(providerId, identity.org, identity.userId);
    },

    async connections(identity, providerIds) {
      const result: Record<string, Connection> = {};
      for (const providerId of providerIds) {
        if (!byId.has(providerId)) continue;
        const row = await deps.userTokens.get(providerId, identity.org, identity.userId);
        result[providerId] = {
          connected: row !== null,
          expires_at: row ? new Date(row.expiresAt).toISOString() : null,
        };
      }
      return result;
    },
  };
}
