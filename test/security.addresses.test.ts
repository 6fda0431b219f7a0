/**
 * Issue 11, item 1 (SPEC §9): organization-set addresses never lead callgate inside, in any
 * spelling, when set or when connecting; connection checks and authorization starts are
 * limited per user. Names resolve through a fake resolver, and the only sockets ever opened
 * go to recording servers on 127.0.0.1, which prove that a refused address got no connection.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ResolvedAddress, Resolver } from '../src/http/addressPolicy.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

/** A resolver answering from a table, recording every name asked. */
function fakeResolver(table: Record<string, string[]>): { resolve: Resolver; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async resolve(hostname): Promise<ResolvedAddress[]> {
      asked.push(hostname);
      const addresses = table[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

/** A TCP server on 127.0.0.1 that counts connections and hangs up. */
async function recordingServer(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(kinds)('organization-set addresses (%s)', (db) => {
  let app: TestApp;
  let recorder: Awaited<ReturnType<typeof recordingServer>>;
  let resolver: ReturnType<typeof fakeResolver>;
  const admin = (org: string): string => app.token({ org, userId: `admin-${org}`, role: 'admin' });
  const setUrl = (org: string, url: string) =>
    api(app, 'PATCH', `/api/v1/orgs/${org}/settings`, { token: admin(org), body: { jitsi_server_url: url } });
  const check = (org: string) =>
    api(app, 'POST', `/api/v1/orgs/${org}/providers/jitsi_meet/check`, { token: admin(org) });

  beforeAll(async () => {
    recorder = await recordingServer();
    resolver = fakeResolver({
      'jitsi.sneaky.test': ['127.0.0.1'],
      // Loopback first: were the filter broken, the only connection tried is the recorder's.
      'mixed.sneaky.test': ['127.0.0.1', '10.0.0.1', '169.254.169.254'],
      'jitsi.internal.test': ['127.0.0.1'],
    });
    app = await startApp({
      db,
      env: { UPSTREAM_TIMEOUT_MS: '2000', ALLOWED_PRIVATE_UPSTREAM_HOSTS: 'jitsi.internal.test' },
      resolve: resolver.resolve,
    });
  });
  afterAll(async () => {
    await app.close();
    await recorder.close();
  });

  test.each([
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.1',
    'https://172.16.0.1',
    'https://192.168.1.1',
    'https://100.64.0.1',
    'https://[fd00::1]',
    'https://[fe80::1]',
    'https://[::ffff:a9fe:a9fe]',
    'https://[::ffff:10.0.0.1]',
    'https://[::1]',
    'https://[::]',
    'https://0.0.0.0',
    'https://224.0.0.1',
    'https://240.0.0.1',
    'https://localhost',
    'http://127.1:PORT',
    'http://0x7f000001:PORT',
    'http://2130706433:PORT',
    'http://0177.0.0.1:PORT',
    'http://127.0.0.1.:PORT',
  ])('when an admin sets the Jitsi URL %s, then 400 BAD_REQUEST and nothing is stored', async (raw) => {
    const url = raw.replace('PORT', String(recorder.port));
    const res = await setUrl('initech', url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'error', code: 'BAD_REQUEST', field: 'jitsi_server_url' });
    expect(String(res.body['msg'])).toMatch(/^jitsi_server_url: .* organizations may not use$/);
    const settings = await api(app, 'GET', '/api/v1/orgs/initech/settings', { token: admin('initech') });
    expect(settings.body['jitsi_server_url']).toBeNull();
    const audit = await api(app, 'GET', '/api/v1/orgs/initech/audit-log', { token: admin('initech') });
    expect(audit.body['entries']).toEqual([]);
    expect(recorder.connections()).toBe(0);
  });

  test('when the Jitsi URL names a host, then it is stored without resolving it', async () => {
    const before = resolver.asked.length;
    const res = await setUrl('globex', `https://not-yet-in-dns.example/team`);
    expect(res.status).toBe(200);
    expect(res.body['jitsi_server_url']).toBe('https://not-yet-in-dns.example/team');
    expect(resolver.asked.length).toBe(before);
  });

  test.each(['jitsi.sneaky.test', 'mixed.sneaky.test'])(
    'when the org URL %s resolves to an internal address, then the check answers address_not_allowed and no connection is made',
    async (host) => {
      expect((await setUrl('hooli', `https://${host}:${recorder.port}/team`)).status).toBe(200);
      const res = await check('hooli');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ result: 'success', status: 'failed', reason: 'address_not_allowed' });
      expect(String(res.body['detail'])).not.toMatch(/127\.0\.0\.1|10\.0\.0\.1|169\.254/);
      expect(resolver.asked).toContain(host);
      expect(recorder.connections()).toBe(0);
    },
  );

  test('when the operator allows the host, then the check connects to what it resolves to', async () => {
    expect((await setUrl('umbrella', `https://jitsi.internal.test:${recorder.port}/team`)).status).toBe(200);
    const before = recorder.connections();
    const res = await check('umbrella');
    // The recorder speaks no TLS: reached, then hung up on.
    expect(res.body).toMatchObject({ status: 'failed', reason: 'unreachable' });
    expect(recorder.connections()).toBe(before + 1);
  });
});

describe('an address allowed when set but not any more', () => {
  test('when the operator withdraws the allowance, then the stored loopback URL gets no connection', async () => {
    const recorder = await recordingServer();
    const first = await startApp({ env: { ALLOWED_PRIVATE_UPSTREAM_HOSTS: '127.0.0.0/8' } });
    const second = await startApp({ databaseUrl: first.databaseUrl });
    try {
      const token = first.token({ org: 'acme', role: 'owner' });
      const set = await api(first, 'PATCH', '/api/v1/orgs/acme/settings', {
        token,
        body: { jitsi_server_url: `http://127.0.0.1:${recorder.port}/team` },
      });
      expect(set.status).toBe(200);
      const res = await api(second, 'POST', '/api/v1/orgs/acme/providers/jitsi_meet/check', {
        token: second.token({ org: 'acme', role: 'owner' }),
      });
      expect(res.body).toMatchObject({ status: 'failed', reason: 'address_not_allowed' });
      expect(recorder.connections()).toBe(0);
    } finally {
      await second.close();
      await first.close();
      await recorder.close();
    }
  });
});

describe('per-user limits on connection checks and authorization starts', () => {
  let app: TestApp;
  let jitsi: ReturnType<typeof createHttpServer>;
  beforeAll(async () => {
    jitsi = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end('window.JitsiMeetExternalAPI=1;');
    });
    await new Promise<void>((resolve) => jitsi.listen(0, '127.0.0.1', resolve));
    const port = (jitsi.address() as AddressInfo).port;
    // A fixed clock: every request falls in one counting minute, whatever the machine's speed.
    const now = Date.UTC(2026, 0, 1, 12, 0, 10);
    app = await startApp({
      env: { CALLS_PER_MINUTE: '2', JITSI_SERVER_URL: `http://127.0.0.1:${port}`, VIDEO_ZOOM_CLIENT_ID: 'zoom-client' },
      secrets: { video_zoom_client_secret: 'zoom-client-secret' },
      now: () => now,
    });
  });
  afterAll(async () => {
    await app.close();
    jitsi.closeAllConnections();
    await new Promise<void>((resolve) => jitsi.close(() => resolve()));
  });

  test('when an admin runs more checks than CALLS_PER_MINUTE, then 429 RATE_LIMITED with Retry-After, and calls are counted apart', async () => {
    const token = app.token({ userId: 'checker', role: 'admin' });
    const check = () => api(app, 'POST', '/api/v1/orgs/acme/providers/jitsi_meet/check', { token });
    expect((await check()).body).toMatchObject({ status: 'ok' });
    expect((await check()).body).toMatchObject({ status: 'ok' });
    const limited = await check();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ result: 'error', code: 'RATE_LIMITED', retry_after: 50 });
    expect(limited.headers.get('retry-after')).toBe('50');
    // Another admin has a counter of their own, and so do this admin's calls.
    const other = app.token({ userId: 'other', role: 'admin' });
    expect((await api(app, 'POST', '/api/v1/orgs/acme/providers/jitsi_meet/check', { token: other })).status).toBe(200);
    expect((await api(app, 'POST', '/api/v1/calls', { token })).status).toBe(200);
  });

  test('when a user starts more authorizations than CALLS_PER_MINUTE, then 429 with Retry-After and no new state', async () => {
    const cookie = { cookie: `callgate_session=${app.token({ userId: 'starter' })}` };
    const register = () => fetch(`${app.url}/calls/zoom/register`, { headers: cookie, redirect: 'manual' });
    expect((await register()).status).toBe(302);
    expect((await register()).status).toBe(302);
    const limited = await register();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('50');
    expect(await limited.text()).toContain('Too many authorization starts');
  });
});
