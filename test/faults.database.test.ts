/** PostgreSQL going away mid-run and coming back: readiness, clear errors, recovery without restart. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { api, startApp, type TestApp } from './support/app.js';
import { postgresReachable, createTestDatabase, type TestDatabase } from './support/postgres.js';
import { startTcpProxy, type TcpProxy } from './support/tcpProxy.js';

const withPostgres = (await postgresReachable()) ? [true] : [];

describe.each(withPostgres)('when PostgreSQL stops mid-run', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    app = await startApp({ databaseUrl: url.toString(), env: { CALLS_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    proxy.restore();
    await app.close();
    await proxy.close();
    await database.drop();
  });

  test('then /readyz answers 503 and calls a generic error meanwhile, and both recover once it is back', async () => {
    const token = app.token();
    expect((await api(app, 'POST', '/api/v1/calls', { token })).status).toBe(200);
    expect((await api(app, 'GET', '/readyz')).status).toBe(200);

    proxy.cut();
    const ready = await api(app, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', database: 'postgres' });
    expect((await api(app, 'GET', '/healthz')).status).toBe(200);
    const failed = await api(app, 'POST', '/api/v1/calls', { token });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ result: 'error', msg: 'Internal server error', code: 'INTERNAL' });

    proxy.restore();
    let recovered = 0;
    for (let attempt = 0; attempt < 50 && recovered !== 200; attempt++) {
      recovered = (await api(app, 'POST', '/api/v1/calls', { token })).status;
      if (recovered !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toBe(200);
    expect((await api(app, 'GET', '/readyz')).status).toBe(200);
    expect(app.logs.some((line) => line.includes('"code":"INTERNAL"'))).toBe(true);
  });

  test('then, once back, a settings change made by another replica still reaches this one promptly', async () => {
    const member = app.token();
    const read = async (): Promise<unknown> =>
      (await api(app, 'GET', '/api/v1/orgs/acme/settings', { token: member })).body['video_chat_provider'];
    expect(await read()).toBe('jitsi_meet');
    const other = await openStore(database.url);
    await other.orgSettings.save(
      { org: 'acme', videoChatProvider: 'disabled', providerSettings: {}, updatedAt: Date.now() },
      { org: 'acme', actorUserId: 'x', actorName: 'Other replica', action: 'settings.update', changes: {} },
    );
    const started = Date.now();
    let seen = await read();
    while (seen !== 'disabled' && Date.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await read();
    }
    expect(seen).toBe('disabled');
    await other.close();
  });
});
