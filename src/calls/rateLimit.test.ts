import { describe, expect, test } from '@jest/globals';
import type { Identity } from '../auth/identity.js';
import { isCallgateError } from '../errors.js';
import { chunkFor, createCallRateLimiter, memoryCounters, slackFor, type SharedCounters } from './rateLimit.js';

const user = (userId: string): Identity => ({
  userId,
  org: 'acme',
  name: userId,
  email: `${userId}@acme.example`,
  role: 'member',
  exp: 2_000_000_000,
});

/** Counters that count the round trips made to them. */
function counting(inner: SharedCounters): SharedCounters & { trips: number } {
  const counters = {
    trips: 0,
    add(key: string, windowStart: number, amount: number) {
      counters.trips++;
      return inner.add(key, windowStart, amount);
    },
    release(windowStart: number, amounts: ReadonlyMap<string, number>) {
      counters.trips++;
      return inner.release(windowStart, amounts);
    },
    sweep(windowStart: number) {
      counters.trips++;
      return inner.sweep(windowStart);
    },
  };
  return counters;
}

async function attempt(hit: () => Promise<void>): Promise<'ok' | number> {
  try {
    await hit();
    return 'ok';
  } catch (error) {
    if (isCallgateError(error) && error.code === 'RATE_LIMITED') return Number(error.headers?.['Retry-After']);
    throw error;
  }
}

describe('call rate limiter', () => {
  test('when the slack is computed, then it is 10% of the limit or 2 calls, whichever is larger', () => {
    expect([1, 3, 20, 30, 100, 1000].map(slackFor)).toEqual([2, 2, 2, 3, 10, 100]);
    expect([1, 3, 30, 100].map(chunkFor)).toEqual([1, 2, 2, 6]);
  });

  test('when one replica serves a user, then exactly the limit is admitted and the rest get Retry-After to the minute end', async () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 10);
    const limiter = createCallRateLimiter({ perMinute: 30, counters: memoryCounters(), now: () => now });
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => attempt(() => limiter.hit(user('busy')))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(30);
    expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set([50]));
    expect(await attempt(() => limiter.hit(user('calm')))).toBe('ok');
    await limiter.close();
  });

  test('when a user keeps calling, then one reservation round trip serves several calls', async () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 10);
    const counters = counting(memoryCounters());
    const limiter = createCallRateLimiter({ perMinute: 100, counters, now: () => now });
    for (let i = 0; i < 60; i++) await limiter.hit(user('steady'));
    // 6 calls per reservation.
    expect(counters.trips).toBe(10);
    await limiter.close();
  });

  test('when two replicas share the counters and a burst hits both, then together they admit at most limit + slack and at least the limit', async () => {
    for (const limit of [3, 20, 30, 100]) {
      const now = Date.UTC(2026, 10, 29, 12, 0, 10);
      const shared = memoryCounters();
      const replicas = [0, 1].map(() => createCallRateLimiter({ perMinute: limit, counters: shared, now: () => now }));
      const outcomes = await Promise.all(
        Array.from({ length: 3 * limit }, (_, i) =>
          attempt(() => replicas[i % 2]?.hit(user('burst')) ?? Promise.resolve()),
        ),
      );
      const admitted = outcomes.filter((o) => o === 'ok').length;
      expect(admitted).toBeLessThanOrEqual(limit + slackFor(limit));
      expect(admitted).toBeGreaterThanOrEqual(limit);
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  test('when a replica holds an unused reservation and the user goes idle, then it is given back, over-the-cap parts too', async () => {
    let now = Date.UTC(2026, 10, 29, 12, 0, 10);
    const windowStart = Date.UTC(2026, 10, 29, 12, 0, 0);
    const shared = memoryCounters();
    const counted = (): Promise<number> => shared.add('calls:acme:u', windowStart, 0);
    const [a, b] = [0, 1].map(() => createCallRateLimiter({ perMinute: 3, counters: shared, now: () => now }));
    if (!a || !b) throw new Error('two replicas');
    // Limit 3, slack 2, reservations of 2: a reserves 2 and uses 1.
    await a.hit(user('u'));
    expect(await counted()).toBe(2);
    // b reserves 2, then only 1 of the next 2 fits under 5; b stops at its own limit of 3.
    for (let i = 0; i < 3; i++) expect(await attempt(() => b.hit(user('u')))).toBe('ok');
    expect(await attempt(() => b.hit(user('u')))).toBe(50);
    expect(await counted()).toBe(6);
    now += 1000;
    await Promise.all([a.reconcile(), b.reconcile()]);
    // a's unused one and b's over-the-cap one are back: the counter holds the 4 admitted.
    expect(await counted()).toBe(4);
    expect(await attempt(() => a.hit(user('u')))).toBe('ok');
    expect(await attempt(() => a.hit(user('u')))).toBe(49);
    await Promise.all([a.close(), b.close()]);
  });

  test('when the minute ends, then the count starts again and old windows are swept', async () => {
    let now = Date.UTC(2026, 10, 29, 12, 0, 10);
    const limiter = createCallRateLimiter({ perMinute: 2, counters: memoryCounters(), now: () => now });
    await limiter.hit(user('u'));
    await limiter.hit(user('u'));
    expect(await attempt(() => limiter.hit(user('u')))).toBe(50);
    now += 50_000;
    expect(await attempt(() => limiter.hit(user('u')))).toBe('ok');
    await limiter.close();
  });

  test('when the limit is 0, then nothing is counted', async () => {
    const counters = counting(memoryCounters());
    const limiter = createCallRateLimiter({ perMinute: 0, counters, now: Date.now });
    for (let i = 0; i < 100; i++) await limiter.hit(user('free'));
    await limiter.close();
    expect(counters.trips).toBe(0);
  });
});
