import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { api, startApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';
import { connectZoom, startZoomHarness, ZOOM_CLIENT, type ZoomHarness } from './support/zoom.js';

const kinds = await databaseKinds();

describe.each(kinds)('POST /calls/zoom/deauthorize (%s)', (db) => {
  let h: ZoomHarness;
  let hook: string;
  const deauthorized = {
    event: 'app_deauthorized',
    event_ts: 1,
    payload: { user_id: 'zoom-user-1', account_id: 'zoom-account-1', client_id: ZOOM_CLIENT.clientId },
  };
  beforeAll(async () => {
    h = await startZoomHarness({ db, kind: 'zoom' });
    hook = `${h.app.url}/calls/zoom/deauthorize`;
  });
  afterAll(async () => h.close());
  const connected = async (userId: string): Promise<void> => {
    await connectZoom(h.app, h.app.token({ userId }));
    expect(await h.app.store.userTokens.get('zoom', 'acme', userId)).not.toBeNull();
  };

  test('when Zoom validates the endpoint, then plainToken and its HMAC are answered', async () => {
    const res = await h.zoom.sim.sendWebhook(hook, {
      event: 'endpoint.url_validation',
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
    });
    expect(res.status).toBe(200);
    const { createHmac } = await import('node:crypto');
    expect(res.body).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', ZOOM_CLIENT.webhookSecret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });

  test('when the signature is wrong, missing, stale, or the body was altered after signing, then 401 and nothing changes', async () => {
    await connected('w1');
    const attempts = [
      await h.zoom.sim.sendWebhook(hook, deauthorized, { secret: 'not-the-secret' }),
      await h.zoom.sim.sendWebhook(hook, deauthorized, { omitSignature: true }),
      await h.zoom.sim.sendWebhook(hook, deauthorized, { timestampSeconds: Math.floor(Date.now() / 1000) - 6 * 60 }),
      await h.zoom.sim.sendWebhook(hook, deauthorized, { alter: (raw) => raw.replace('zoom-user-1', 'zoom-user-1 ') }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ result: 'error', code: 'UNAUTHORIZED' });
    }
    expect(await h.app.store.userTokens.get('zoom', 'acme', 'w1')).not.toBeNull();
  });

  test('when HOST_ORIGIN is not configured, then the completion page posts to no opener origin, never "*"', async () => {
    const page = await connectZoom(h.app, h.app.token({ userId: 'no-origin' }));
    expect(page.status).toBe(200);
    expect(page.text).toContain('var origin = null;');
    expect(page.text).toContain('if (origin && window.opener)');
    expect(page.text).not.toContain('"*"');
  });

  test('when Zoom says the app was deauthorized, then every token of that Zoom user is deleted', async () => {
    await connected('w2');
    await connected('w3');
    const res = await h.zoom.sim.sendWebhook(hook, deauthorized);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: 'success' });
    expect(await h.app.store.userTokens.get('zoom', 'acme', 'w2')).toBeNull();
    expect(await h.app.store.userTokens.get('zoom', 'acme', 'w3')).toBeNull();
  });

  test('when the body is over 64 KiB, then 413', async () => {
    const res = await h.zoom.sim.sendWebhook(hook, {
      event: 'app_deauthorized',
      payload: { user_id: 'x', pad: 'a'.repeat(70 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  test('when a signed body is not a Zoom event, then 400; an unknown event is acknowledged and ignored', async () => {
    expect((await h.zoom.sim.sendWebhook(hook, ['not', 'an', 'event'])).status).toBe(400);
    expect((await h.zoom.sim.sendWebhook(hook, { event: 'meeting.started', payload: {} })).status).toBe(200);
  });
});

describe('POST /calls/zoom/deauthorize without a webhook secret', () => {
  test('when no secret is configured, then 503 PROVIDER_NOT_CONFIGURED', async () => {
    const app = await startApp();
    try {
      const res = await api(app, 'POST', '/calls/zoom/deauthorize', {
        body: { event: 'app_deauthorized', payload: { user_id: 'x' } },
      });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
    } finally {
      await app.close();
    }
  });
});

describe('Zoom routes when Zoom is not configured', () => {
  test('when register is visited, then 503; when a user disconnects, then success with nothing to do', async () => {
    const app = await startApp();
    try {
      const token = app.token();
      const res = await fetch(`${app.url}/calls/zoom/register`, {
        headers: { cookie: `callgate_session=${token}` },
        redirect: 'manual',
      });
      expect(res.status).toBe(503);
      const del = await api(app, 'DELETE', '/api/v1/me/connections/zoom', { token });
      expect(del.body).toMatchObject({ result: 'success', disconnected: false });
    } finally {
      await app.close();
    }
  });
});
