/**
 * The store contract, one block per repository, each run against both implementations
 * (SQLite and PostgreSQL) through the same `openStore`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import type { Store, StoredOrgCredentials, StoredUserToken } from '../src/store/types.js';
import { databaseKinds } from './support/databases.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';

const kinds = await databaseKinds();
const DAY = 86_400_000;

const token = (overrides: Partial<StoredUserToken> = {}): StoredUserToken => ({
  provider: 'p1',
  org: 'acme',
  userId: '1',
  accountUserId: 'zu1',
  accountId: 'za1',
  keyId: 'k1',
  ciphertext: 'c1',
  expiresAt: 1000,
  updatedAt: 1,
  ...overrides,
});

/** A fresh database of `kind` for one describe block; `url()` and `store()` are set in beforeAll. */
function useStore(kind: string): { url: () => string; store: () => Store } {
  let url = '';
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') {
      database = await createTestDatabase();
      url = database.url;
    } else {
      url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'callgate-store-')), 'db.sqlite')}`;
    }
    // Two opens at once: migrations must apply exactly once.
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    await b.close();
    store = a;
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  return {
    url: () => url,
    store: () => {
      if (!store) throw new Error('store not open');
      return store;
    },
  };
}

describe.each(kinds)('store: opening (%s)', (kind) => {
  const db = useStore(kind);
  test('when opened again, then migrations are not reapplied and data survives', async () => {
    await db
      .store()
      .callRecords.record({ org: 'persist', userId: '1', provider: 'p1', isVideoCall: true, createdAt: 5 });
    const again = await openStore(db.url());
    expect(await again.callRecords.countByDay('persist', { since: 0 })).toHaveLength(1);
    await again.close();
  });
});

describe.each(kinds)('store: org settings and audit log (%s)', (kind) => {
  const db = useStore(kind);

  test('when settings are saved, then they read back and the audit entry is written with them', async () => {
    const store = db.store();
    expect(await store.orgSettings.get('org1')).toBeNull();
    await store.orgSettings.save(
      {
        org: 'org1',
        videoChatProvider: 'p2',
        providerSettings: { server_url: 'https://j.example.com' },
        updatedAt: 10,
      },
      {
        org: 'org1',
        actorUserId: '7',
        actorName: 'Ada',
        action: 'settings.update',
        changes: { video_chat_provider: { from: 'p1', to: 'p2' } },
      },
    );
    expect(await store.orgSettings.get('org1')).toEqual({
      org: 'org1',
      videoChatProvider: 'p2',
      providerSettings: { server_url: 'https://j.example.com' },
      updatedAt: 10,
    });
    const [entry] = await store.auditLog.list('org1', { limit: 10 });
    expect(entry).toMatchObject({
      org: 'org1',
      actorUserId: '7',
      actorName: 'Ada',
      changes: { video_chat_provider: { from: 'p1', to: 'p2' } },
      createdAt: 10,
    });
  });

  test('when settings are saved again without a provider setting, then it is gone', async () => {
    const store = db.store();
    const audit = { org: 'org2', actorUserId: '1', actorName: 'x', action: 'settings.update', changes: {} };
    await store.orgSettings.save(
      { org: 'org2', videoChatProvider: 'p1', providerSettings: { a: 'b' }, updatedAt: 1 },
      audit,
    );
    await store.orgSettings.save({ org: 'org2', videoChatProvider: 'p1', providerSettings: {}, updatedAt: 2 }, audit);
    expect(await store.orgSettings.get('org2')).toEqual({
      org: 'org2',
      videoChatProvider: 'p1',
      providerSettings: {},
      updatedAt: 2,
    });
  });

  test('when the audit log is paged, then entries come newest first and pages do not overlap', async () => {
    const store = db.store();
    for (let i = 0; i < 5; i++) {
      await store.orgSettings.save(
        { org: 'paged', videoChatProvider: 'disabled', providerSettings: {}, updatedAt: i },
        { org: 'paged', actorUserId: String(i), actorName: 'x', action: 'settings.update', changes: {} },
      );
    }
    const first = await store.auditLog.list('paged', { limit: 3 });
    expect(first.map((e) => e.actorUserId)).toEqual(['4', '3', '2']);
    const second = await store.auditLog.list('paged', { limit: 3, beforeId: first[2]?.id ?? 0 });
    expect(second.map((e) => e.actorUserId)).toEqual(['1', '0']);
    expect(await store.auditLog.list('other-org', { limit: 3 })).toEqual([]);
  });

  test('when settings change through another connection, then this store is told', async () => {
    const other = await openStore(db.url());
    const heard = new Promise<string>((resolve) => db.store().orgSettings.onChanged(resolve));
    await other.orgSettings.save(
      { org: 'notify', videoChatProvider: 'disabled', providerSettings: {}, updatedAt: 1 },
      { org: 'notify', actorUserId: '1', actorName: 'x', action: 'settings.update', changes: {} },
    );
    if (kind === 'postgres') await expect(heard).resolves.toBe('notify');
    await other.close();
  });
});

describe.each(kinds)('store: call records (%s)', (kind) => {
  const db = useStore(kind);
  test('when calls are recorded, then they are counted per UTC day and provider since a time', async () => {
    const store = db.store();
    const base = Date.UTC(2026, 10, 20);
    for (const [offset, provider] of [
      [0, 'p1'],
      [1000, 'p1'],
      [1000, 'p2'],
      [DAY + 5, 'p2'],
      [-DAY, 'p2'],
    ] as const) {
      await store.callRecords.record({
        org: 'stats',
        userId: '1',
        provider,
        isVideoCall: true,
        createdAt: base + offset,
      });
    }
    expect(await store.callRecords.countByDay('stats', { since: base })).toEqual([
      { day: '2026-11-20', provider: 'p1', count: 2 },
      { day: '2026-11-20', provider: 'p2', count: 1 },
      { day: '2026-11-21', provider: 'p2', count: 1 },
    ]);
    expect(await store.callRecords.countByDay('nobody', { since: 0 })).toEqual([]);
  });

  test('when many calls are recorded at once, then they are queued, written in batches, and counted once each', async () => {
    const store = db.store();
    const base = Date.UTC(2026, 10, 22);
    const written = Array.from({ length: 1200 }, (_, i) =>
      store.callRecords.record({
        org: 'batch',
        userId: String(i),
        provider: 'p1',
        isVideoCall: i % 2 === 0,
        createdAt: base + i,
      }),
    );
    // Not awaited by the caller: queued until the batch goes out.
    expect(store.callRecords.pending()).toBeGreaterThan(0);
    // A count writes the queue first.
    expect(await store.callRecords.countByDay('batch', { since: 0 })).toEqual([
      { day: '2026-11-22', provider: 'p1', count: 1200 },
    ]);
    await Promise.all(written);
    expect(store.callRecords.pending()).toBe(0);
  });
});

describe.each(kinds)('store: OAuth states (%s)', (kind) => {
  const db = useStore(kind);
  test('when an OAuth state is taken twice at once, then exactly one take gets it', async () => {
    const store = db.store();
    const state = { provider: 'p1', org: 'acme', userId: '1', codeVerifier: 'v' };
    await store.oauthStates.save({ ...state, state: 's1', expiresAt: 100 });
    const takes = await Promise.all(Array.from({ length: 5 }, () => store.oauthStates.take('s1')));
    expect(takes.filter(Boolean)).toEqual([{ ...state, state: 's1', expiresAt: 100 }]);
    await store.oauthStates.save({ ...state, state: 's2', expiresAt: 100 });
    await store.oauthStates.save({ ...state, state: 's3', provider: 'p2', expiresAt: 300 });
    expect(await store.oauthStates.deleteExpired(200)).toBe(1);
    expect(await store.oauthStates.take('s2')).toBeNull();
    expect(await store.oauthStates.take('s3')).toMatchObject({ provider: 'p2' });
  });

  test('when a user has more pending states than kept, then only the newest are kept, any provider, others untouched', async () => {
    const store = db.store();
    const base = { org: 'acme', userId: 'many', codeVerifier: 'v' };
    for (let i = 0; i < 7; i += 1) {
      await store.oauthStates.save({ ...base, provider: i % 2 ? 'p1' : 'p2', state: `m${i}`, expiresAt: 1000 + i });
    }
    await store.oauthStates.save({ ...base, userId: 'other', provider: 'p1', state: 'o1', expiresAt: 1 });
    expect(await store.oauthStates.keepNewest('acme', 'many', 3)).toBe(4);
    for (let i = 0; i < 4; i += 1) expect(await store.oauthStates.take(`m${i}`)).toBeNull();
    for (let i = 4; i < 7; i += 1) expect(await store.oauthStates.take(`m${i}`)).not.toBeNull();
    expect(await store.oauthStates.take('o1')).not.toBeNull();
  });
});

describe.each(kinds)('store: webhook deliveries (%s)', (kind) => {
  const db = useStore(kind);
  test('when one delivery is claimed at once from many connections, then exactly one claim wins', async () => {
    const other = await openStore(db.url());
    try {
      const stores = [db.store(), other];
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => stores[i % 2]?.webhookDeliveries.claim('d1', 2000, 1000)),
      );
      expect(claims.filter((claimed) => claimed === true)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  test('when a claim expires or is released, then the delivery can be claimed again', async () => {
    const store = db.store();
    expect(await store.webhookDeliveries.claim('d2', 2000, 1000)).toBe(true);
    expect(await store.webhookDeliveries.claim('d2', 2500, 1999)).toBe(false);
    expect(await store.webhookDeliveries.claim('d2', 3000, 2000)).toBe(true);
    await store.webhookDeliveries.release('d2');
    expect(await store.webhookDeliveries.claim('d2', 4000, 2001)).toBe(true);
  });
});

describe.each(kinds)('store: user tokens (%s)', (kind) => {
  const db = useStore(kind);

  test('when tokens are saved, replaced and deleted, then reads follow, per provider', async () => {
    const store = db.store();
    await store.userTokens.save(token());
    await store.userTokens.save(token({ ciphertext: 'c2', expiresAt: 2000 }));
    expect(await store.userTokens.get('p1', 'acme', '1')).toEqual(token({ ciphertext: 'c2', expiresAt: 2000 }));
    // The same user at another provider is another row.
    await store.userTokens.save(token({ provider: 'p2', ciphertext: 'other' }));
    expect((await store.userTokens.get('p2', 'acme', '1'))?.ciphertext).toBe('other');
    expect((await store.userTokens.get('p1', 'acme', '1'))?.ciphertext).toBe('c2');
    await store.userTokens.save(token({ userId: '2' }));
    await store.userTokens.save(token({ userId: '3', accountId: 'other' }));
    await store.userTokens.save(token({ userId: '4', accountUserId: 'zu2', accountId: null }));
    expect((await store.userTokens.list('p1')).map((t) => t.userId)).toEqual(['1', '2', '3', '4']);
    expect((await store.userTokens.list()).map((t) => `${t.provider}/${t.userId}`)).toEqual([
      'p1/1',
      'p1/2',
      'p1/3',
      'p1/4',
      'p2/1',
    ]);
    expect(await store.userTokens.deleteOfAccount('p1', 'zu1', 'za1')).toBe(2);
    expect(await store.userTokens.deleteOfAccount('p1', 'zu1', null)).toBe(1);
    expect(await store.userTokens.get('p2', 'acme', '1')).not.toBeNull();
    expect(await store.userTokens.delete('p1', 'acme', '4')).toBe(true);
    expect(await store.userTokens.delete('p1', 'acme', '4')).toBe(false);
    expect(await store.userTokens.list('p1')).toEqual([]);
    expect(await store.userTokens.delete('p2', 'acme', '1')).toBe(true);
  });

  test('when two lock holders race on one user, then the second sees what the first saved', async () => {
    const store = db.store();
    await store.userTokens.save(token({ userId: 'lock', ciphertext: 'v0' }));
    const seen: string[] = [];
    const bump = (): Promise<void> =>
      store.userTokens.withLock('p1', 'acme', 'lock', async (current, tx) => {
        seen.push(current?.ciphertext ?? 'none');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await tx.save(token({ userId: 'lock', ciphertext: `v${seen.length}` }));
      });
    await Promise.all([bump(), bump(), bump()]);
    expect(seen).toEqual(['v0', 'v1', 'v2']);
    expect((await store.userTokens.get('p1', 'acme', 'lock'))?.ciphertext).toBe('v3');
  });

  test('when a lock holder fails, then its writes are not kept (PostgreSQL) and the lock is released', async () => {
    const store = db.store();
    await store.userTokens.save(token({ userId: 'fail', ciphertext: 'before' }));
    await expect(
      store.userTokens.withLock('p1', 'acme', 'fail', async (_current, tx) => {
        await tx.delete();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await store.userTokens.get('p1', 'acme', 'fail');
    if (kind === 'postgres') expect(after?.ciphertext).toBe('before');
    await expect(store.userTokens.withLock('p1', 'acme', 'fail', async () => 'free')).resolves.toBe('free');
  });
});

describe.each(kinds)('store: organization credentials (%s)', (kind) => {
  const db = useStore(kind);
  const row = (overrides: Partial<StoredOrgCredentials> = {}): StoredOrgCredentials => ({
    org: 'acme',
    provider: 'p1',
    keyId: 'k1',
    ciphertext: 'c1',
    updatedAt: 10,
    updatedByUserId: '7',
    updatedByName: 'Ada',
    ...overrides,
  });
  const audit = (org: string, action = 'credentials.update') => ({
    org,
    actorUserId: '7',
    actorName: 'Ada',
    action,
    changes: { 'p1.client_id': { from: null, to: 'x' } },
  });

  test('when rows are saved, replaced and deleted, then each change reads back with its audit entry', async () => {
    const store = db.store();
    expect(await store.orgCredentials.listOf('acme')).toEqual([]);
    await store.orgCredentials.save(row(), audit('acme'));
    await store.orgCredentials.save(row({ provider: 'p2', ciphertext: 'other' }), audit('acme'));
    await store.orgCredentials.save(row({ ciphertext: 'c2', updatedAt: 20, updatedByName: 'Grace' }), audit('acme'));
    await store.orgCredentials.save(row({ org: 'globex' }), audit('globex'));
    expect(await store.orgCredentials.listOf('acme')).toEqual([
      row({ ciphertext: 'c2', updatedAt: 20, updatedByName: 'Grace' }),
      row({ provider: 'p2', ciphertext: 'other' }),
    ]);
    expect((await store.orgCredentials.list()).map((r) => `${r.org}/${r.provider}`)).toEqual([
      'acme/p1',
      'acme/p2',
      'globex/p1',
    ]);
    // A removal mark: no ciphertext and no key.
    await store.orgCredentials.save(row({ provider: 'p2', keyId: null, ciphertext: null }), audit('acme'));
    expect((await store.orgCredentials.listOf('acme'))[1]).toMatchObject({ keyId: null, ciphertext: null });
    expect(await store.orgCredentials.delete('acme', 'p2', audit('acme', 'credentials.delete'), 30)).toBe(true);
    expect(await store.orgCredentials.delete('acme', 'p2', audit('acme', 'credentials.delete'), 31)).toBe(false);
    const entries = await store.auditLog.list('acme', { limit: 10 });
    expect(entries.map((e) => e.action)).toEqual([
      'credentials.delete',
      'credentials.update',
      'credentials.update',
      'credentials.update',
      'credentials.update',
    ]);
    expect(entries[0]?.createdAt).toBe(30);
  });

  test('when a row is resealed, then only the expected ciphertext is replaced', async () => {
    const store = db.store();
    await store.orgCredentials.save(row({ org: 'reseal', ciphertext: 'old' }), audit('reseal'));
    expect(await store.orgCredentials.reseal('reseal', 'p1', 'stale', { keyId: 'k2', ciphertext: 'new' })).toBe(false);
    expect(await store.orgCredentials.reseal('reseal', 'p1', 'old', { keyId: 'k2', ciphertext: 'new' })).toBe(true);
    expect(await store.orgCredentials.listOf('reseal')).toEqual([
      row({ org: 'reseal', keyId: 'k2', ciphertext: 'new' }),
    ]);
  });

  test('when credentials change, then this store is told (through another connection on PostgreSQL)', async () => {
    const other = kind === 'postgres' ? await openStore(db.url()) : db.store();
    const heard = new Promise<string>((resolve) => db.store().orgCredentials.onChanged(resolve));
    await other.orgCredentials.save(row({ org: 'notify' }), audit('notify'));
    await expect(heard).resolves.toBe('notify');
    const deleted = new Promise<string>((resolve) => db.store().orgCredentials.onChanged(resolve));
    await other.orgCredentials.delete('notify', 'p1', audit('notify', 'credentials.delete'), 40);
    await expect(deleted).resolves.toBe('notify');
    if (other !== db.store()) await other.close();
  });
});

describe.each(kinds)('store: counters (%s)', (kind) => {
  const db = useStore(kind);
  test('when a counter is hit concurrently, then every hit is counted once, per window', async () => {
    const store = db.store();
    const counts = await Promise.all(Array.from({ length: 20 }, () => store.counters.increment('k', 60_000)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.counters.increment('k', 120_000)).toBe(1);
    expect(await store.counters.increment('other', 120_000)).toBe(1);
  });

  test('when amounts are added, released and old windows swept, then each counter holds what is left', async () => {
    const store = db.store();
    const added = await Promise.all(Array.from({ length: 10 }, () => store.counters.add('r', 180_000, 3)));
    expect([...added].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 3 * (i + 1)));
    expect(await store.counters.add('s', 180_000, 2)).toBe(2);
    await store.counters.release(
      180_000,
      new Map([
        ['r', 5],
        ['s', 2],
        ['absent', 1],
      ]),
    );
    expect(await store.counters.add('r', 180_000, 0)).toBe(25);
    expect(await store.counters.add('s', 180_000, 0)).toBe(0);
    expect(await store.counters.add('r', 240_000, 1)).toBe(1);
    await store.counters.sweep(240_000);
    // The 180_000 window is gone: adding starts it again from nothing.
    expect(await store.counters.add('r', 180_000, 1)).toBe(1);
    expect(await store.counters.add('r', 240_000, 0)).toBe(1);
  });
});
