/**
 * The admin's Jitsi connection test (`POST /api/v1/orgs/{org}/providers/jitsi_meet/check`)
 * against a fake Jitsi web server on 127.0.0.1 that can answer like Jitsi, like some other
 * site, with errors, with a redirect, or not at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

type Behaviour = 'jitsi' | 'other_site' | 'not_found' | 'server_error' | 'redirect' | 'hang';

/** A fake Jitsi web server; unknown paths fail loudly with 418. */
async function startFakeJitsi(): Promise<{
  url: string;
  behaviour: Behaviour;
  paths: string[];
  close(): Promise<void>;
}> {
  const state = { behaviour: 'jitsi' as Behaviour, paths: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.paths.push(req.url ?? '');
    if (req.url !== '/team/external_api.js') {
      res.writeHead(418).end('unexpected request');
      return;
    }
    switch (state.behaviour) {
      case 'jitsi':
        res.writeHead(200, { 'content-type': 'application/javascript' });
        res.end('!function(){window.JitsiMeetExternalAPI=function(domain,options){}}();');
        return;
      case 'other_site':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
        return;
      case 'not_found':
        res.writeHead(404).end('Not Found');
        return;
      case 'server_error':
        res.writeHead(503).end('Service Unavailable');
        return;
      case 'redirect':
        res.writeHead(301, { location: 'https://meet.example.com/team/external_api.js' }).end();
        return;
      case 'hang':
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/team`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value: Behaviour) {
      state.behaviour = value;
    },
    paths: state.paths,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(kinds)('Jitsi connection check (%s)', (db) => {
  let app: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeJitsi>>;
  const check = async (org = 'acme'): Promise<{ status: number; body: Record<string, unknown> }> =>
    api(app, 'POST', `/api/v1/orgs/${org}/providers/jitsi_meet/check`, {
      token: app.token({ org, role: 'admin' }),
    });

  beforeAll(async () => {
    fake = await startFakeJitsi();
    // The org test below points an organization at a closed port on loopback, which only
    // an operator's allowance permits outside local mode (SPEC §9).
    app = await startApp({
      db,
      env: { JITSI_SERVER_URL: fake.url, UPSTREAM_TIMEOUT_MS: '1000', ALLOWED_PRIVATE_UPSTREAM_HOSTS: '127.0.0.1' },
    });
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.behaviour = 'jitsi';
    fake.paths.length = 0;
  });

  test('when the server serves Jitsi Meet external_api.js, then the check is ok', async () => {
    const res = await check();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'success', msg: '', status: 'ok' });
    expect(fake.paths).toEqual(['/team/external_api.js']);
  });

  test('when the server answers with another site, then it is not a Jitsi server', async () => {
    fake.behaviour = 'other_site';
    expect((await check()).body).toMatchObject({ status: 'failed', reason: 'not_a_jitsi_server' });
    fake.behaviour = 'not_found';
    const res = await check();
    expect(res.body).toMatchObject({ status: 'failed', reason: 'not_a_jitsi_server' });
    expect(String(res.body['detail'])).toContain('HTTP 404');
  });

  test('when the server fails, then the check reports a server error with the status', async () => {
    fake.behaviour = 'server_error';
    const res = await check();
    expect(res.body).toMatchObject({ status: 'failed', reason: 'server_error' });
    expect(String(res.body['detail'])).toContain('HTTP 503');
  });

  test('when the server redirects, then the redirect is reported, not followed, and its target not echoed', async () => {
    fake.behaviour = 'redirect';
    const res = await check();
    expect(res.body).toMatchObject({ status: 'failed', reason: 'redirected' });
    // SPEC §9: a check answers in our own words, never the upstream's redirect target.
    expect(String(res.body['detail'])).not.toContain('meet.example.com');
    expect(fake.paths).toHaveLength(1);
  });

  test('when the server does not answer in time, then the check reports it unreachable', async () => {
    fake.behaviour = 'hang';
    const res = await check();
    expect(res.body).toMatchObject({ status: 'failed', reason: 'unreachable' });
    expect(String(res.body['detail'])).toContain('within 1000 ms');
  });

  test("when the org's own URL refuses connections, then the check reports it unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const patch = await api(app, 'PATCH', '/api/v1/orgs/globex/settings', {
      token: app.token({ org: 'globex', role: 'admin' }),
      body: { jitsi_server_url: `http://127.0.0.1:${port}` },
    });
    expect(patch.status).toBe(200);
    const res = await check('globex');
    expect(res.body).toMatchObject({ status: 'failed', reason: 'unreachable' });
    expect(String(res.body['detail'])).toContain('connection refused');
  });

  test('when a member who is not an admin asks, then it is forbidden', async () => {
    const res = await api(app, 'POST', '/api/v1/orgs/acme/providers/jitsi_meet/check', { token: app.token() });
    expect(res.status).toBe(403);
    expect(fake.paths).toHaveLength(0);
  });
});
