/**
 * The server-to-server account token: cached until shortly before it expires, and fetched
 * by one request however many calls need it at once (single-flight).
 */
import type { AccessTokenGrant } from './zoomApi.js';

/** How long before Zoom's expiry a cached token is no longer handed out. */
export const ACCOUNT_TOKEN_EARLY_MS = 60_000;

/** A cached account token. */
export interface AccountTokenCache {
  /** The cached token, or the one being fetched. */
  get(): Promise<string>;
  /** Drops `token` if it is still the cached one (Zoom refused it); a newer one is kept. */
  invalidate(token: string): void;
}

/** Creates the cache around a token fetcher. */
export function createAccountTokenCache(deps: {
  fetchToken: () => Promise<AccessTokenGrant>;
  now: () => number;
}): AccountTokenCache {
  let cached: { token: string; usableUntil: number } | null = null;
  let inFlight: Promise<string> | null = null;

  const fetchOnce = (): Promise<string> => {
    inFlight ??= (async () => {
      try {
        const grant = await deps.fetchToken();
        const lifetimeMs = grant.expiresInSeconds * 1000;
        // Short-lived tokens keep at least half their life usable rather than none.
        const early = Math.min(ACCOUNT_TOKEN_EARLY_MS, lifetimeMs / 2);
        cached = { token: grant.accessToken, usableUntil: deps.now() + lifetimeMs - early };
        return grant.accessToken;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  return {
    async get() {
      if (cached && cached.usableUntil > deps.now()) return cached.token;
      return fetchOnce();
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}
