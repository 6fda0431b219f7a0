/**
 * Per-user limits (SPEC §9), CALLS_PER_MINUTE each: call creation, connection checks and
 * authorization starts, each on its own counter. Counted in the store, so a limit holds
 * across replicas sharing PostgreSQL; every attempt counts, failed ones too, so a user
 * cannot hammer a failing provider, or probe addresses through connection checks.
 */
import type { Identity } from '../auth/identity.js';
import { CallgateError } from '../errors.js';
import type { CounterRepository } from '../store/types.js';

const WINDOW_MS = 60_000;

/** Checks and counts one attempt of a user. */
export interface RateLimiter {
  /** Throws RATE_LIMITED with Retry-After once the user is over the limit in this minute. */
  hit(identity: Identity): Promise<void>;
}

/** The limiter of call creation. */
export type CallRateLimiter = RateLimiter;

/** Options of createRateLimiter. */
export interface RateLimiterOptions {
  counters: CounterRepository;
  perMinute: number;
  now: () => number;
  /** The counter's name, e.g. `checks`; each name counts on its own. */
  counter: string;
  /** What is limited, in the plural, for the message: "Too many <what>". */
  what: string;
}

/** Creates a per-user limiter; a limit of 0 disables it. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  return {
    async hit(identity) {
      if (options.perMinute === 0) return;
      const now = options.now();
      const windowStart = now - (now % WINDOW_MS);
      const key = `${options.counter}:${identity.org}:${identity.userId}`;
      const count = await options.counters.increment(key, windowStart);
      if (count > options.perMinute) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
        throw new CallgateError('RATE_LIMITED', `Too many ${options.what}; try again in ${retryAfter} seconds`, {
          headers: { 'Retry-After': String(retryAfter) },
          fields: { retry_after: retryAfter },
        });
      }
    },
  };
}

/** Creates the call-creation limiter. */
export function createCallRateLimiter(deps: {
  counters: CounterRepository;
  perMinute: number;
  now: () => number;
}): CallRateLimiter {
  return createRateLimiter({ ...deps, counter: 'calls', what: 'calls' });
}
