import { describe, expect, test } from '@jest/globals';
import { createAccountTokenCache } from './accountToken.js';

describe('account token cache', () => {
  test('when many ask at once, then one fetch; when it nears expiry, then another', async () => {
    let clock = 0;
    let fetches = 0;
    const cache = createAccountTokenCache({
      now: () => clock,
      fetchToken: async () => ({ accessToken: `t${(fetches += 1)}`, expiresInSeconds: 3600 }),
    });
    expect(new Set(await Promise.all(Array.from({ length: 20 }, () => cache.get())))).toEqual(new Set(['t1']));
    clock = 3600_000 - 60_001;
    expect(await cache.get()).toBe('t1');
    clock = 3600_000 - 59_999;
    expect(await cache.get()).toBe('t2');
  });

  test('when a refused token is invalidated, then only that token is dropped', async () => {
    let fetches = 0;
    const cache = createAccountTokenCache({
      now: () => 0,
      fetchToken: async () => ({ accessToken: `t${(fetches += 1)}`, expiresInSeconds: 3600 }),
    });
    await cache.get();
    cache.invalidate('other');
    expect(await cache.get()).toBe('t1');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
  });

  test('when a fetch fails, then the next caller tries again', async () => {
    let fail = true;
    const cache = createAccountTokenCache({
      now: () => 0,
      fetchToken: async () => {
        if (fail) throw new Error('down');
        return { accessToken: 'ok', expiresInSeconds: 60 };
      },
    });
    await expect(cache.get()).rejects.toThrow('down');
    fail = false;
    expect(await cache.get()).toBe('ok');
  });
});
