/**
 * Issue 11, items 2 and 4 (SPEC §9): a signed webhook delivery is acted on once, across
 * replicas; pending OAuth states are swept, capped per user, and starts are limited.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { zoomWebhookSignature } from '../src/providers/zoom/webhook.js';
import { MAX_PENDING_STATES, OAUTH_STATE_TTL_MS } from '../src/userAuth/service.js';
import type { TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { browse, connectZoom, startZoomHarness, ZOOM_CLIENT, type ZoomHarness } from './support/zoom.js';

const kinds = await databaseKinds();

/** One signed delivery, exactly as Zoom would send it, to send as often as a test likes. */
function signedDelivery(body: unknown, timestampSeconds: number): { headers: Record<string, string>; body: string } {
  const raw = JSON.stringify(body);
  const timestamp = String(timestampSeconds);
  return {
    body: raw,
    headers: {
      'content-type': 'application/json',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': zoomWebhookSignature(ZOOM_CLIENT.webhookSecret, timestamp, raw),
    },
  };
}

async function deliver(
  app: TestApp,
  delivery: ReturnType<typeof signedDelivery>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}/calls/zoom/deauthorize`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const deauthorized = {
  event: 'app_deauthorized',
  event_ts: 1,
  payload: { user_id: 'zoom-user-1', account_id: 'zoom-account-1', client_id: ZOOM_CLIENT.clientId },
};

describe.each(kinds)('webhook replay (%s)', (db) => {
  let h: ZoomHarness;
  let replica: TestApp;
  // Each delivery of this block gets its own timestamp (so its own signature), all within
  // Zoom's five-minute window, whatever the time the tests take.
  let base = 0;
  const at = (secondsBefore: number): number => base - secondsBefore;
  beforeAll(async () => {
    base = Math.floor(Date.now() / 1000);
    h = await startZoomHarness({ db, kind: 'zoom' });
    // A second replica on the same database, as several processes behind one load balancer.
    replica = (await startZoomHarness({ db, kind: 'zoom', zoom: h.zoom, databaseUrl: h.app.databaseUrl })).app;
  });
  afterAll(async () => {
    await replica.close();
    await h.close();
  });
  const connect = async (userId: string): Promise<void> => {
    expect((await connectZoom(h.app, h.app.token({ userId }))).status).toBe(200);
    expect(await h.app.store.userTokens.get('zoom', 'acme', userId)).not.toBeNull();
  };

  test('when a signed app_deauthorized is sent again after the user reconnected, then 200 and the user stays connected, on any replica', async () => {
    await connect('r1');
    const delivery = signedDelivery(deauthorized, at(10));
    const first = await deliver(h.app, delivery);
    expect(first).toEqual({ status: 200, body: { result: 'success', msg: '', deleted: 1 } });
    expect(await h.app.store.userTokens.get('zoom', 'acme', 'r1')).toBeNull();

    await connect('r1');
    for (const app of [h.app, replica]) {
      const again = await deliver(app, delivery);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ result: 'success', deleted: 0 });
    }
    expect(await h.app.store.userTokens.get('zoom', 'acme', 'r1')).not.toBeNull();

    // A new delivery (another timestamp, so another signature) is acted on.
    const next = await deliver(replica, signedDelivery(deauthorized, at(20)));
    expect(next.body).toMatchObject({ deleted: 1 });
    expect(await h.app.store.userTokens.get('zoom', 'acme', 'r1')).toBeNull();
  });

  test('when one delivery reaches both replicas at once, then it is acted on exactly once', async () => {
    await connect('r2');
    const delivery = signedDelivery(deauthorized, at(30));
    const answers = await Promise.all([h.app, replica, h.app, replica].map((app) => deliver(app, delivery)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.filter((answer) => answer.body['deleted'] === 1)).toHaveLength(1);
  });
});

describe.each(kinds)('pending OAuth states (%s)', (db) => {
  let h: ZoomHarness;
  let clock = Date.now();
  beforeAll(async () => {
    h = await startZoomHarness({ db, kind: 'zoom', now: () => clock });
  });
  afterAll(async () => h.close());
  const stateOf = (location: string | null): string => new URL(location ?? '').searchParams.get('state') ?? '';
  const register = (userId: string) => browse(`${h.app.url}/calls/zoom/register`, h.app.token({ userId }));

  test('when a user starts many authorizations, then only the newest few states are kept, and expired ones are swept', async () => {
    clock = Date.now();
    const states: string[] = [];
    for (let i = 0; i < 3 * MAX_PENDING_STATES; i += 1) {
      clock += 1; // newest by expiry: each start a millisecond after the last
      const res = await register('piler');
      expect(res.status).toBe(302);
      states.push(stateOf(res.location));
    }
    const kept = await Promise.all(states.map((state) => h.app.store.oauthStates.take(state)));
    expect(kept.filter(Boolean)).toHaveLength(MAX_PENDING_STATES);
    expect(kept.slice(-MAX_PENDING_STATES).every(Boolean)).toBe(true);

    // Another user's abandoned state is swept by the next start once it has expired.
    const abandoned = stateOf((await register('walker')).location);
    clock += OAUTH_STATE_TTL_MS + 1;
    await register('piler');
    expect(await h.app.store.oauthStates.take(abandoned)).toBeNull();
  });
});

describe('authorization starts per user', () => {
  test('when a user starts more than CALLS_PER_MINUTE authorizations, then 429 with Retry-After, others unaffected', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 10);
    const h = await startZoomHarness({ db: 'sqlite', kind: 'zoom', now: () => now, env: { CALLS_PER_MINUTE: '2' } });
    try {
      const start = (userId: string) => browse(`${h.app.url}/calls/zoom/register`, h.app.token({ userId }));
      expect((await start('eager')).status).toBe(302);
      expect((await start('eager')).status).toBe(302);
      const limited = await start('eager');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('50');
      expect(limited.text).toContain('Too many authorization starts');
      expect((await start('patient')).status).toBe(302);
    } finally {
      await h.close();
    }
  });
});
