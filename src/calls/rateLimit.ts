/**
 * Per-user limits (SPEC §9), CALLS_PER_MINUTE each (default 30, fixed one-minute windows):
 * call creation, connection checks and authorization starts, each on its own counter. Every
 * attempt counts, failed ones too, so a user cannot hammer a failing provider, or probe
 * addresses through connection checks. Checks and starts are rare: each hit is one exact
 * increment in the store (createRateLimiter). Call creation is the hot path
 * (createCallRateLimiter):
 *
 * Across replicas (SPEC §9): the shared counter in the database holds what replicas have
 * *reserved* for a user in the window, never more than `limit + slack` in total. A replica
 * reserves a few calls at a time (one round trip, only when its reservation is used up)
 * and admits from it locally, so most calls cost no database round trip. Reservations a
 * replica did not use are given back once the user has been idle for a second, in one
 * batched statement every few hundred milliseconds, so another replica can use them.
 * Hence: all replicas together admit at most `limit + slack` calls per user and window;
 * one replica alone admits at most `limit` (so a single process is exact); a user below the
 * limit is refused only when three or more replicas serve them in the same second and hold
 * unused reservations (at most `chunk - 1` each), never with one or two replicas.
 * The slack is max(2, 10% of the limit), the most SPEC §9 allows.
 *
 * Without shared counters (SQLite, one process) the same logic runs against counters in
 * memory: exact, no database work, and a restart forgets the current minute.
 */
import type { Identity } from '../auth/identity.js';
import { CallgateError } from '../errors.js';
import type { CounterRepository } from '../store/types.js';

const WINDOW_MS = 60_000;
/** How often unused reservations are given back and old windows swept. */
const RECONCILE_MS = 250;
/** A user idle this long gives their unused reservation back. */
const IDLE_RELEASE_MS = 1000;

/** The allowed excess across replicas: 10% of the limit or 2 calls, whichever is larger. */
export function slackFor(limit: number): number {
  return Math.max(2, Math.floor(limit / 10));
}

/**
 * Calls reserved at a time. With two replicas each holds at most `chunk - 1` unused, which
 * the slack absorbs, so neither refuses a user who is under the limit.
 */
export function chunkFor(limit: number): number {
  return Math.min(limit, Math.floor(slackFor(limit) / 2) + 1);
}

/** Window counters shared by replicas: what the limiter needs from the database. */
export interface SharedCounters {
  /** Adds `amount` to a window's counter and returns its value after (atomic across processes). */
  add(key: string, windowStart: number, amount: number): Promise<number>;
  /** Subtracts unused reservations, several keys of one window in one statement. */
  release(windowStart: number, amounts: ReadonlyMap<string, number>): Promise<void>;
  /** Drops the counters of windows that started before `windowStart`. */
  sweep(windowStart: number): Promise<void>;
}

/** Counters in this process only: for a single process (SQLite) and for tests. */
export function memoryCounters(): SharedCounters {
  const counts = new Map<string, { windowStart: number; count: number }>();
  return {
    async add(key, windowStart, amount) {
      const current = counts.get(key);
      const count = (current?.windowStart === windowStart ? current.count : 0) + amount;
      counts.set(key, { windowStart, count });
      return count;
    },
    async release(windowStart, amounts) {
      for (const [key, amount] of amounts) {
        const current = counts.get(key);
        if (current?.windowStart === windowStart) current.count -= amount;
      }
    },
    async sweep(windowStart) {
      for (const [key, value] of counts) if (value.windowStart < windowStart) counts.delete(key);
    },
  };
}

/** Checks and counts one attempt of a user. */
export interface RateLimiter {
  /** Throws RATE_LIMITED with Retry-After once the user is over the limit in this minute. */
  hit(identity: Identity): Promise<void>;
}

/** RATE_LIMITED until the window ends. */
function limitedError(what: string, windowStart: number, now: number): CallgateError {
  const retryAfter = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
  return new CallgateError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfter} seconds`, {
    headers: { 'Retry-After': String(retryAfter) },
    fields: { retry_after: retryAfter },
  });
}

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

/** Creates an exact per-user limiter, one store increment per hit; a limit of 0 disables it. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  return {
    async hit(identity) {
      if (options.perMinute === 0) return;
      const now = options.now();
      const windowStart = now - (now % WINDOW_MS);
      const key = `${options.counter}:${identity.org}:${identity.userId}`;
      const count = await options.counters.increment(key, windowStart);
      if (count > options.perMinute) throw limitedError(options.what, windowStart, now);
    },
  };
}

/** The limiter of call creation: reservations reconciled through the database. */
export interface CallRateLimiter extends RateLimiter {
  /** Gives unused reservations back now (done by a timer too) and sweeps ended windows. */
  reconcile(): Promise<void>;
  /** Stops the timer and gives every unused reservation back (graceful shutdown). */
  close(): Promise<void>;
}

/** Options of createCallRateLimiter. */
export interface CallRateLimiterOptions {
  /** Calls per user and minute; 0 disables the limit. */
  perMinute: number;
  /** The database's counters; memoryCounters() for one process. */
  counters: SharedCounters;
  now: () => number;
  /** Reports a failed background reconciliation (the next one retries). */
  onError?(error: unknown): void;
}

/** One user's state in this replica. */
interface Entry {
  windowStart: number;
  /** Reserved by this replica in the window. */
  reserved: number;
  /** Admitted by this replica in the window. */
  used: number;
  /** Counted in the database above the limit + slack (a partly refused reservation). */
  excess: number;
  lastUse: number;
  /** Set after the database refused a reservation: refuse without asking until then. */
  refusedUntil: number;
  reserving?: Promise<void> | undefined;
}

/** Creates the limiter and starts its reconciliation timer (unless the limit is 0). */
export function createCallRateLimiter(options: CallRateLimiterOptions): CallRateLimiter {
  const limit = options.perMinute;
  const cap = limit + slackFor(limit);
  const chunk = chunkFor(limit);
  const entries = new Map<string, Entry>();
  let sweptWindow = -1;

  const limited = (entry: Entry, now: number): CallgateError => limitedError('calls', entry.windowStart, now);

  const reserve = async (key: string, entry: Entry): Promise<void> => {
    const after = await options.counters.add(key, entry.windowStart, chunk);
    // Reservations are serialised by the database: this one covers [after - chunk, after),
    // and only the part below the cap is ours.
    const granted = Math.max(0, Math.min(chunk, cap - (after - chunk)));
    entry.reserved += granted;
    entry.excess += chunk - granted;
    if (granted === 0) entry.refusedUntil = options.now() + RECONCILE_MS;
  };

  const reconcile = async (releaseAll = false): Promise<void> => {
    const now = options.now();
    const windowStart = now - (now % WINDOW_MS);
    const amounts = new Map<string, number>();
    for (const [key, entry] of entries) {
      if (entry.windowStart !== windowStart) {
        if (!entry.reserving) entries.delete(key);
        continue;
      }
      const idle = releaseAll || now - entry.lastUse >= IDLE_RELEASE_MS;
      const unused = idle && !entry.reserving ? entry.reserved - entry.used : 0;
      if (unused + entry.excess === 0) continue;
      amounts.set(key, unused + entry.excess);
      entry.reserved -= unused;
      entry.excess = 0;
    }
    if (amounts.size > 0) await options.counters.release(windowStart, amounts);
    if (sweptWindow !== windowStart) {
      await options.counters.sweep(windowStart);
      sweptWindow = windowStart;
    }
  };

  const timer =
    limit === 0
      ? undefined
      : setInterval(() => {
          reconcile().catch((error: unknown) => options.onError?.(error));
        }, RECONCILE_MS);
  timer?.unref();

  return {
    async hit(identity) {
      if (limit === 0) return;
      const key = `calls:${identity.org}:${identity.userId}`;
      for (;;) {
        const now = options.now();
        const windowStart = now - (now % WINDOW_MS);
        let entry = entries.get(key);
        if (!entry || entry.windowStart !== windowStart) {
          entry = { windowStart, reserved: 0, used: 0, excess: 0, lastUse: now, refusedUntil: 0 };
          entries.set(key, entry);
        }
        if (entry.used >= limit) throw limited(entry, now);
        if (entry.reserved > entry.used) {
          entry.used++;
          entry.lastUse = now;
          return;
        }
        if (!entry.reserving) {
          if (entry.refusedUntil > now) throw limited(entry, now);
          const reserving = reserve(key, entry);
          entry.reserving = reserving;
          reserving.then(
            () => (entry.reserving = undefined),
            () => (entry.reserving = undefined),
          );
        }
        // Concurrent calls of one user share one reservation round trip, then look again.
        await entry.reserving;
      }
    },
    reconcile: () => reconcile(),
    async close() {
      clearInterval(timer);
      if (limit !== 0) await reconcile(true);
    },
  };
}
