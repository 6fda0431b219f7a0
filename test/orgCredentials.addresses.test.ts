/**
 * URLs in organization credentials obey SPEC §9: an internal address is refused when set
 * (400, nothing stored; a name is not resolved then) and, where only resolution reveals it,
 * at use (the check says address_not_allowed, a join gets 502). Names resolve through a fake
 * resolver; the only socket that could open goes to a recording server on 127.0.0.1.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ResolvedAddress } from '../src/http/addressPolicy.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();

describe.each(kinds)('addresses in organization credentials (%s)', (db) => {
  let app: TestApp;
  let recorder: Server;
  let port = 0;
  let connections = 0;
  const asked: string[] = [];
  const owner = () => app.token({ org: 'acme', userId: 'o1', role: 'owner' });
  const path = '/api/v1/orgs/acme/providers/big_blue_button/credentials';

  beforeAll(async () => {
    recorder = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    port = (recorder.address() as AddressInfo).port;
    app = await startApp({
      db,
      env: { CALLS_PER_MINUTE: '0' },
      async resolve(hostname): Promise<ResolvedAddress[]> {
        asked.push(hostname);
        if (hostname.endsWith('.sneaky.test')) return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await new Promise<void>((resolve) => recorder.close(() => resolve()));
  });

  test.each([
    'https://10.1.2.3/bigbluebutton/',
    'https://169.254.169.254/bigbluebutton/',
    'https://[::ffff:7f00:1]/bigbluebutton/',
    'https://2130706433/bigbluebutton/',
    `http://127.0.0.1:${9}/bigbluebutton/`,
  ])('when the URL %s is set, then 400 names url and nothing is stored', async (url) => {
    const res = await api(app, 'PUT', path, { token: owner(), body: { url, secret: 's3cret-value' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', field: 'url' });
    const check = await api(app, 'POST', `${path}/check`, { token: owner(), body: { url, secret: 's3cret-value' } });
    expect(check.status).toBe(400);
    expect((await api(app, 'GET', path, { token: owner() })).body).toMatchObject({ configured: false });
    expect(connections).toBe(0);
  });

  test('when a name that resolves inside is set, then it is stored unresolved, and refused at use without a connection', async () => {
    const url = `https://bbb.sneaky.test:${port}/bigbluebutton/`;
    const put = await api(app, 'PUT', path, { token: owner(), body: { url, secret: 's3cret-value' } });
    expect(put.status).toBe(200);
    expect(asked).toEqual([]);
    const check = await api(app, 'POST', `${path}/check`, { token: owner(), body: { url, secret: '' } });
    expect(check.body).toMatchObject({ status: 'failed', reason: 'address_not_allowed' });
    const admin = app.token({ org: 'acme', userId: 'a1', role: 'admin' });
    await api(app, 'PATCH', '/api/v1/orgs/acme/settings', {
      token: admin,
      body: { video_chat_provider: 'big_blue_button' },
    });
    const providerCheck = await api(app, 'POST', '/api/v1/orgs/acme/providers/big_blue_button/check', { token: admin });
    expect(providerCheck.body).toMatchObject({ status: 'failed', reason: 'address_not_allowed' });
    const made = await api(app, 'POST', '/api/v1/calls', { token: app.token({ org: 'acme' }), body: {} });
    const link = new URL(String(made.body['url']));
    const join = await fetch(`${app.url}${link.pathname}${link.search}`, {
      headers: { cookie: `callgate_session=${app.token({ org: 'acme' })}` },
      redirect: 'manual',
    });
    expect(join.status).toBe(502);
    expect(asked.every((name) => name.endsWith('.sneaky.test'))).toBe(true);
    expect(asked.length).toBeGreaterThan(0);
    expect(connections).toBe(0);
  });

  test.each([
    ['nextcloud_talk', (url: string) => ({ server: url, username: 'bot', password: 'app-pass-1234' })],
    ['constructor_groups', (url: string) => ({ url, access_key: 'AK1', secret_key: 'SK1' })],
  ])('when %s names a host that resolves inside, then its check refuses it without a connection', async (id, body) => {
    const url = `https://${id.replace('_', '-')}.sneaky.test:${port}/`;
    const path = `/api/v1/orgs/globex/providers/${id}/credentials`;
    const token = app.token({ org: 'globex', userId: 'o2', role: 'owner' });
    expect((await api(app, 'PUT', path, { token, body: body('https://10.0.0.1/') })).status).toBe(400);
    expect((await api(app, 'PUT', path, { token, body: body(url) })).status).toBe(200);
    const check = await api(app, 'POST', `${path}/check`, { token, body: body(url) });
    expect(check.body).toMatchObject({ status: 'failed', reason: 'address_not_allowed' });
    expect(connections).toBe(0);
  });
});
