/**
 * Per-user limit on call creation (CALLS_PER_MINUTE, default 30). Counted in the store, so
 * the limit holds across replicas sharing PostgreSQL; every attempt counts, failed ones too,
 * so a user cannot hammer a failing provider.
 */
import type { Identity } from '../auth/identity.js';
import { CallgateError } from '../errors.js';
import type { CounterRepository } from '../store/types.js';

const WINDOW_MS = 60_000;

/** Checks and counts one attempt of a user. */
export interface CallRateLimiter {
  /** Throws RATE_LIMITED with Retry-After once the user is over the limit in this minute. */
  hit(identity: Identity): Promise<void>;
}

/** Creates the limiter; a limit of 0 disables it. */
export function createCallRateLimiter(deps: {
  counters: CounterRepository;
  perMinute: number;
  now: () => number;
}): CallRateLimiter {
  return {
    async hit(identity) {
      if (deps.perMinute === 0) return;
      const now = deps.now();
      const windowStart = now - (now % WINDOW_MS);
      const count = await deps.counters.increment(`calls:${identity.org}:${identity.userId}`, windowStart);
      if (count > deps.perMinute) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
        throw new CallgateError('RATE_LIMITED', `Too many calls; try again in ${retryAfter} seconds`, {
          headers: { 'Retry-After': String(retryAfter) },
          fields: { retry_after: retryAfter },
        });
      }
    },
  };
}
