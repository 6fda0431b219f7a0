/**
 * Per-user Zoom tokens of the general OAuth app: the authorization redirect (random state
 * and PKCE, stored server-side, single-use, 10 minutes), the code exchange, encrypted
 * storage, and refresh.
 *
 * Zoom refresh tokens are single-use and rotate on every refresh
 * (https://developers.zoom.us/docs/integrations/oauth/#refreshing-an-access-token), so a
 * refresh runs at most once per user at a time: one flight per user inside this process,
 * and the row lock of `withZoomTokenLock` across replicas. The rotated pair is stored
 * before the new access token is used; if the process dies between Zoom's answer and the
 * write, the pair is lost and the user authorizes again, which is the safe failure.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '../../auth/identity.js';
import { randomToken } from '../../crypto/random.js';
import type { TokenCipher } from '../../crypto/tokenCipher.js';
import { CallgateError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Store, StoredZoomToken } from '../../store/types.js';
import { z } from 'zod';
import { InvalidGrantError, type UserTokenGrant, type ZoomOAuthClient } from './oauthClient.js';
import { ZOOM_NOT_CONFIGURED } from './availability.js';

/** How long an authorization redirect may take. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** Access tokens are refreshed this long before Zoom's expiry. */
export const REFRESH_EARLY_MS = 60_000;

/** What the token service needs of the store: a narrow view, so it never sees the database client. */
export type ZoomTokenStore = Pick<
  Store,
  | 'saveOAuthState'
  | 'takeOAuthState'
  | 'getZoomToken'
  | 'saveZoomToken'
  | 'deleteZoomToken'
  | 'deleteZoomTokensOfZoomUser'
  | 'listZoomTokens'
  | 'withZoomTokenLock'
>;

/** A user's tokens in the clear; only ever held in memory. */
export interface UserTokens {
  accessToken: string;
  refreshToken: string;
}

const sealedTokensSchema = z.object({ access_token: z.string(), refresh_token: z.string() });

/** The associated data binding a ciphertext to its row: copied to another user's row, it fails to decrypt. */
export function tokenAssociatedData(org: string, userId: string): string {
  return JSON.stringify(['zoom_tokens', org, userId]);
}

/** Decrypts a stored row. */
export function openTokens(cipher: TokenCipher, row: StoredZoomToken): UserTokens {
  const plain = cipher.open({ keyId: row.keyId, ciphertext: row.ciphertext }, tokenAssociatedData(row.org, row.userId));
  const parsed = sealedTokensSchema.parse(JSON.parse(plain));
  return { accessToken: parsed.access_token, refreshToken: parsed.refresh_token };
}

/** Encrypts tokens into a row, keeping the Zoom identity of `previous` when there is one. */
export function sealTokens(
  cipher: TokenCipher,
  row: Pick<StoredZoomToken, 'org' | 'userId' | 'zoomUserId' | 'zoomAccountId' | 'expiresAt'>,
  tokens: UserTokens,
  now: number,
): StoredZoomToken {
  const sealed = cipher.seal(
    JSON.stringify({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken }),
    tokenAssociatedData(row.org, row.userId),
  );
  return { ...row, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: now };
}

/**
 * Re-encrypts every stored token under the current key, each under its row lock so it
 * cannot overwrite a refresh in progress. Returns how many rows moved.
 */
export async function reencryptZoomTokens(
  store: ZoomTokenStore,
  cipher: TokenCipher,
  now: () => number,
): Promise<number> {
  let moved = 0;
  for (const listed of await store.listZoomTokens()) {
    if (listed.keyId === cipher.currentKeyId) continue;
    moved += await store.withZoomTokenLock(listed.org, listed.userId, async (current, tx) => {
      if (!current || current.keyId === cipher.currentKeyId) return 0;
      await tx.save(sealTokens(cipher, current, openTokens(cipher, current), now()));
      return 1;
    });
  }
  return moved;
}

/** The 403 that sends a user to authorize Zoom (again). */
export function authorizationRequired(publicUrl: string, cause?: unknown): CallgateError {
  return new CallgateError('PROVIDER_AUTHORIZATION_REQUIRED', 'You need to connect your Zoom account first', {
    cause,
    fields: { authorize_url: `${publicUrl}/calls/zoom/register` },
  });
}

/** Dependencies of the user-token service. */
export interface ZoomUserTokenDeps {
  /** Null when the general OAuth app is not configured. */
  oauth: ZoomOAuthClient | null;
  store: ZoomTokenStore;
  cipher: TokenCipher;
  publicUrl: string;
  logger: Logger;
  now: () => number;
  /** Looks up the Zoom user behind a fresh token; null when Zoom refuses. */
  lookUpZoomUser: (accessToken: string) => Promise<{ zoomUserId: string; zoomAccountId: string } | null>;
}

/** Per-user Zoom tokens: authorization, storage, refresh and disconnection. */
export interface ZoomUserTokens {
  /** Starts an authorization: stores a fresh state and returns Zoom's authorize URL. */
  startAuthorization(identity: Identity): Promise<string>;
  /** Completes an authorization for the user the state was issued to. */
  completeAuthorization(identity: Identity, query: { code: string; state: string }): Promise<void>;
  /** A usable access token; refreshes when it expires within REFRESH_EARLY_MS. */
  accessToken(identity: Identity): Promise<string>;
  /**
   * A new access token after Zoom refused `rejected`; if another flight or replica has
   * already replaced it, that token is used instead of refreshing again.
   */
  refreshAfterRejection(identity: Identity, rejected: string): Promise<string>;
  /** Forgets a user's tokens after Zoom refused even a fresh one. */
  forget(identity: Identity): Promise<void>;
  /** Revokes at Zoom (best effort) and deletes. Returns whether a token existed. */
  disconnect(identity: Identity): Promise<boolean>;
  /** Deletes every token of a Zoom user (deauthorization webhook). */
  deleteOfZoomUser(zoomUserId: string, zoomAccountId: string | null): Promise<number>;
}

/** Creates the user-token service. */
export function createZoomUserTokens(deps: ZoomUserTokenDeps): ZoomUserTokens {
  const { store, cipher, now } = deps;
  const log = deps.logger.child({ module: 'zoom-tokens' });
  const flights = new Map<string, Promise<string>>();

  const oauthClient = (): ZoomOAuthClient => {
    if (!deps.oauth) throw new CallgateError('PROVIDER_NOT_CONFIGURED', ZOOM_NOT_CONFIGURED);
    return deps.oauth;
  };
  const invalidState = (): CallgateError => new CallgateError('INVALID_STATE', 'Invalid Zoom session identifier');
  const expiresAt = (grant: UserTokenGrant): number => now() + grant.expiresInSeconds * 1000;
  const fresh = (row: StoredZoomToken): boolean => row.expiresAt - REFRESH_EARLY_MS > now();

  /** Refreshes under the row lock; `rejected` is the access token Zoom refused, if any. */
  const refreshLocked = async (identity: Identity, rejected: string | null): Promise<string> => {
    const outcome = await store.withZoomTokenLock(
      identity.org,
      identity.userId,
      async (current, tx): Promise<{ token: string } | { revoked: unknown }> => {
        if (!current) return { revoked: null };
        const tokens = openTokens(cipher, current);
        // Another flight or replica refreshed while we waited for the lock: use its token.
        if (fresh(current) && tokens.accessToken !== rejected) return { token: tokens.accessToken };
        let grant: UserTokenGrant;
        try {
          grant = await oauthClient().refresh(tokens.refreshToken);
        } catch (error) {
          if (!(error instanceof InvalidGrantError)) throw error;
          // Deleted inside the transaction, which commits because we return rather than throw.
          await tx.delete();
          return { revoked: error };
        }
        await tx.save(
          sealTokens(
            cipher,
            { ...current, expiresAt: expiresAt(grant) },
            { accessToken: grant.accessToken, refreshToken: grant.refreshToken },
            now(),
          ),
        );
        log.info({ org: identity.org, userId: identity.userId }, 'zoom token refreshed');
        return { token: grant.accessToken };
      },
    );
    if ('revoked' in outcome) {
      if (outcome.revoked) log.info({ org: identity.org, userId: identity.userId }, 'zoom grant revoked; deleted');
      throw authorizationRequired(deps.publicUrl, outcome.revoked ?? undefined);
    }
    return outcome.token;
  };

  const refresh = (identity: Identity, rejected: string | null): Promise<string> => {
    const key = `${identity.org}\u0000${identity.userId}`;
    const running = flights.get(key);
    if (running) return running;
    const flight = refreshLocked(identity, rejected).finally(() => flights.delete(key));
    flights.set(key, flight);
    return flight;
  };

  return {
    async startAuthorization(identity) {
      const oauth = oauthClient();
      const state = randomToken(32);
      const codeVerifier = randomToken(48);
      await store.saveOAuthState({
        state,
        org: identity.org,
        userId: identity.userId,
        codeVerifier,
        expiresAt: now() + OAUTH_STATE_TTL_MS,
      });
      const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      return oauth.authorizeUrl({ state, codeChallenge });
    },

    async completeAuthorization(identity, { code, state }) {
      const oauth = oauthClient();
      // Taken (deleted) before anything else: a state is good for one attempt only.
      const record = await store.takeOAuthState(state);
      if (!record || record.expiresAt <= now()) throw invalidState();
      if (record.org !== identity.org || record.userId !== identity.userId) throw invalidState();
      const grant = await oauth.exchangeCode({ code, state, codeVerifier: record.codeVerifier });
      const tokens = { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
      let zoomUser: { zoomUserId: string; zoomAccountId: string } | null = null;
      try {
        zoomUser = await deps.lookUpZoomUser(grant.accessToken);
      } catch (error) {
        // The token works for meetings even if Zoom will not say who it belongs to.
        log.warn({ err: error }, 'could not look up the Zoom user; token kept');
      }
      await store.saveZoomToken(
        sealTokens(
          cipher,
          {
            org: identity.org,
            userId: identity.userId,
            zoomUserId: zoomUser?.zoomUserId ?? null,
            zoomAccountId: zoomUser?.zoomAccountId ?? null,
            expiresAt: expiresAt(grant),
          },
          tokens,
          now(),
        ),
      );
      log.info({ org: identity.org, userId: identity.userId }, 'zoom account connected');
    },

    async accessToken(identity) {
      oauthClient();
      const row = await store.getZoomToken(identity.org, identity.userId);
      if (!row) throw authorizationRequired(deps.publicUrl);
      if (fresh(row)) return openTokens(cipher, row).accessToken;
      return refresh(identity, null);
    },

    refreshAfterRejection(identity, rejected) {
      return refresh(identity, rejected);
    },

    async forget(identity) {
      await store.deleteZoomToken(identity.org, identity.userId);
      log.info({ org: identity.org, userId: identity.userId }, 'zoom token refused after refresh; deleted');
    },

    async disconnect(identity) {
      const row = await store.getZoomToken(identity.org, identity.userId);
      if (!row) return false;
      if (deps.oauth) {
        try {
          await deps.oauth.revoke(openTokens(cipher, row).accessToken);
        } catch (error) {
          // Best effort: the user asked to be disconnected, and deleting our copy does that.
          log.warn({ err: error }, 'zoom token revocation failed; deleting anyway');
        }
      }
      return store.deleteZoomToken(identity.org, identity.userId);
    },

    async deleteOfZoomUser(zoomUserId, zoomAccountId) {
      return store.deleteZoomTokensOfZoomUser(zoomUserId, zoomAccountId);
    },
  };
}
