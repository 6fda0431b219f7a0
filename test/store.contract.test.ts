/** The store contract, run against both implementations. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import type { Store, StoredZoomToken } from '../src/store/types.js';
import { databaseKinds } from './support/databases.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';

const kinds = await databaseKinds();
const DAY = 86_400_000;

const token = (overrides: Partial<StoredZoomToken> = {}): StoredZoomToken => ({
  org: 'acme',
  userId: '1',
  zoomUserId: 'zu1',
  zoomAccountId: 'za1',
  keyId: 'k1',
  ciphertext: 'c1',
  expiresAt: 1000,
  updatedAt: 1,
  ...overrides,
});

describe.each(kinds)('store contract (%s)', (kind) => {
  let url: string;
  let database: TestDatabase | undefined;
  let store: Store;

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
    await store.close();
    await database?.drop();
  });

  test('when opened again, then migrations are not reapplied and data survives', async () => {
    await store.recordCall({ org: 'persist', userId: '1', provider: 'jitsi_meet', isVideoCall: true, createdAt: 5 });
    const again = await openStore(url);
    expect(await again.countCallsByDay('persist', { since: 0 })).toHaveLength(1);
    await again.close();
  });

  test('when settings are saved, then they read back and the audit entry is written with them', async () => {
    expect(await store.getOrgSettings('org1')).toBeNull();
    await store.saveOrgSettings(
      { org: 'org1', videoChatProvider: 'zoom', jitsiServerUrl: 'https://j.example.com', updatedAt: 10 },
      {
        org: 'org1',
        actorUserId: '7',
        actorName: 'Ada',
        action: 'settings.update',
        changes: { video_chat_provider: { from: 'jitsi_meet', to: 'zoom' } },
      },
    );
    expect(await store.getOrgSettings('org1')).toEqual({
      org: 'org1',
      videoChatProvider: 'zoom',
      jitsiServerUrl: 'https://j.example.com',
      updatedAt: 10,
    });
    const [entry] = await store.listAuditLog('org1', { limit: 10 });
    expect(entry).toMatchObject({
      org: 'org1',
      actorUserId: '7',
      actorName: 'Ada',
      changes: { video_chat_provider: { from: 'jitsi_meet', to: 'zoom' } },
      createdAt: 10,
    });
  });

  test('when the audit log is paged, then entries come newest first and pages do not overlap', async () => {
    for (let i = 0; i < 5; i++) {
      await store.saveOrgSettings(
        { org: 'paged', videoChatProvider: 'disabled', jitsiServerUrl: null, updatedAt: i },
        { org: 'paged', actorUserId: String(i), actorName: 'x', action: 'settings.update', changes: {} },
      );
    }
    const first = await store.listAuditLog('paged', { limit: 3 });
    expect(first.map((e) => e.actorUserId)).toEqual(['4', '3', '2']);
    const second = await store.listAuditLog('paged', { limit: 3, beforeId: first[2]?.id ?? 0 });
    expect(second.map((e) => e.actorUserId)).toEqual(['1', '0']);
    expect(await store.listAuditLog('other-org', { limit: 3 })).toEqual([]);
  });

  test('when calls are recorded, then they are counted per UTC day and provider since a time', async () => {
    const base = Date.UTC(2026, 10, 20);
    for (const [offset, provider] of [
      [0, 'jitsi_meet'],
      [1000, 'jitsi_meet'],
      [1000, 'zoom'],
      [DAY + 5, 'zoom'],
      [-DAY, 'zoom'],
    ] as const) {
      await store.recordCall({ org: 'stats', userId: '1', provider, isVideoCall: true, createdAt: base + offset });
    }
    expect(await store.countCallsByDay('stats', { since: base })).toEqual([
      { day: '2026-11-20', provider: 'jitsi_meet', count: 2 },
      { day: '2026-11-20', provider: 'zoom', count: 1 },
      { day: '2026-11-21', provider: 'zoom', count: 1 },
    ]);
  });

  test('when an OAuth state is taken twice at once, then exactly one take gets it', async () => {
    await store.saveOAuthState({ state: 's1', org: 'acme', userId: '1', codeVerifier: 'v', expiresAt: 100 });
    const takes = await Promise.all(Array.from({ length: 5 }, () => store.takeOAuthState('s1')));
    expect(takes.filter(Boolean)).toEqual([
      { state: 's1', org: 'acme', userId: '1', codeVerifier: 'v', expiresAt: 100 },
    ]);
    await store.saveOAuthState({ state: 's2', org: 'acme', userId: '1', codeVerifier: 'v', expiresAt: 100 });
    await store.saveOAuthState({ state: 's3', org: 'acme', userId: '1', codeVerifier: 'v', expiresAt: 300 });
    expect(await store.deleteExpiredOAuthStates(200)).toBe(1);
    expect(await store.takeOAuthState('s2')).toBeNull();
    expect(await store.takeOAuthState('s3')).not.toBeNull();
  });

  test('when Zoom tokens are saved, replaced and deleted, then reads follow', async () => {
    await store.saveZoomToken(token());
    await store.saveZoomToken(token({ ciphertext: 'c2', expiresAt: 2000 }));
    expect(await store.getZoomToken('acme', '1')).toEqual(token({ ciphertext: 'c2', expiresAt: 2000 }));
    await store.saveZoomToken(token({ userId: '2' }));
    await store.saveZoomToken(token({ userId: '3', zoomAccountId: 'other' }));
    await store.saveZoomToken(token({ userId: '4', zoomUserId: 'zu2' }));
    expect((await store.listZoomTokens()).map((t) => t.userId)).toEqual(['1', '2', '3', '4']);
    expect(await store.deleteZoomTokensOfZoomUser('zu1', 'za1')).toBe(2);
    expect(await store.deleteZoomTokensOfZoomUser('zu1', null)).toBe(1);
    expect(await store.deleteZoomToken('acme', '4')).toBe(true);
    expect(await store.deleteZoomToken('acme', '4')).toBe(false);
    expect(await store.listZoomTokens()).toEqual([]);
  });

  test('when two lock holders race on one user, then the second sees what the first saved', async () => {
    await store.saveZoomToken(token({ userId: 'lock', ciphertext: 'v0' }));
    const seen: string[] = [];
    const bump = (): Promise<void> =>
      store.withZoomTokenLock('acme', 'lock', async (current, tx) => {
        seen.push(current?.ciphertext ?? 'none');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await tx.save(token({ userId: 'lock', ciphertext: `v${seen.length}` }));
      });
    await Promise.all([bump(), bump(), bump()]);
    expect(seen).toEqual(['v0', 'v1', 'v2']);
    expect((await store.getZoomToken('acme', 'lock'))?.ciphertext).toBe('v3');
  });

  test('when a lock holder fails, then its writes are not kept (PostgreSQL) and the lock is released', async () => {
    await store.saveZoomToken(token({ userId: 'fail', ciphertext: 'before' }));
    await expect(
      store.withZoomTokenLock('acme', 'fail', async (_current, tx) => {
        await tx.delete();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await store.getZoomToken('acme', 'fail');
    if (kind === 'postgres') expect(after?.ciphertext).toBe('before');
    await expect(store.withZoomTokenLock('acme', 'fail', async () => 'free')).resolves.toBe('free');
  });

  test('when settings change through another connection, then this store is told', async () => {
    const other = await openStore(url);
    const heard = new Promise<string>((resolve) => store.onOrgSettingsChanged(resolve));
    await other.saveOrgSettings(
      { org: 'notify', videoChatProvider: 'disabled', jitsiServerUrl: null, updatedAt: 1 },
      { org: 'notify', actorUserId: '1', actorName: 'x', action: 'settings.update', changes: {} },
    );
    if (kind === 'postgres') await expect(heard).resolves.toBe('notify');
    await other.close();
  });
});

describe.each(kinds)('store counters (%s)', (kind) => {
  test('when a counter is hit concurrently, then every hit is counted once, per window', async () => {
    const database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const url = database?.url ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'callgate-store-')), 'db.sqlite')}`;
    const store = await openStore(url);
    const counts = await Promise.all(Array.from({ length: 20 }, () => store.incrementCounter('k', 60_000)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.incrementCounter('k', 120_000)).toBe(1);
    expect(await store.incrementCounter('other', 120_000)).toBe(1);
    await store.close();
    await database?.drop();
  });
});
