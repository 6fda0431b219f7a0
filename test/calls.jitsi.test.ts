import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

describe.each(kinds)('POST /api/v1/calls with Jitsi (%s)', (db) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ db, env: { JITSI_SERVER_URL: 'https://jitsi.example.com/team/' } });
  });
  afterAll(async () => app.close());

  test('when a member asks for a video call, then a fresh room on the server URL is answered and recorded', async () => {
    const first = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: {} });
    const second = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: { is_video_call: true } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ result: 'success', msg: '', provider: 'jitsi_meet', is_video_call: true });
    const url = String(first.body['url']);
    expect(url).toMatch(/^https:\/\/jitsi\.example\.com\/team\/[a-z0-9]{20}#config\.startWithVideoMuted=false$/);
    expect(second.body['url']).not.toBe(url);
    const stats = await app.store.callRecords.countByDay('acme', { since: 0 });
    expect(stats).toEqual([{ day: expect.any(String), provider: 'jitsi_meet', count: 2 }]);
  });

  test('when a voice call is asked for, then the URL starts with video muted', async () => {
    const res = await api(app, 'POST', '/api/v1/calls', { token: app.token(), body: { is_video_call: false } });
    expect(res.status).toBe(200);
    expect(res.body['is_video_call']).toBe(false);
    expect(String(res.body['url'])).toMatch(/#config\.startWithVideoMuted=true$/);
  });
});

describe.each(kinds)('per-user rate limit of call creation (%s)', (db) => {
  let app: TestApp;
  let now = Date.UTC(2026, 10, 29, 12, 0, 10);
  beforeAll(async () => {
    app = await startApp({ db, env: { CALLS_PER_MINUTE: '3' }, now: () => now });
  });
  afterAll(async () => app.close());

  test('when a user goes over the limit, then RATE_LIMITED with Retry-After until the minute ends; others are unaffected', async () => {
    const token = app.token({ userId: 'busy' });
    for (let i = 0; i < 3; i++) expect((await api(app, 'POST', '/api/v1/calls', { token })).status).toBe(200);
    const limited = await api(app, 'POST', '/api/v1/calls', { token });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ result: 'error', code: 'RATE_LIMITED', retry_after: 50 });
    expect(limited.headers.get('retry-after')).toBe('50');
    expect((await api(app, 'POST', '/api/v1/calls', { token: app.token({ userId: 'calm' }) })).status).toBe(200);
    expect((await app.store.callRecords.countByDay('acme', { since: 0 }))[0]?.count).toBe(4);

    now += 50_000;
    expect((await api(app, 'POST', '/api/v1/calls', { token })).status).toBe(200);
  });
});
