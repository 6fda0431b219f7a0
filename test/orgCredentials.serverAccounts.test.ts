/**
 * Nextcloud Talk and Constructor Groups with organizations' own accounts (SPEC §10): two
 * organizations on one server each reach their own simulator with their own credentials,
 * never each other's and never the server's; no secret in any answer or log line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  startConstructorGroupsSimulator,
  type RunningConstructorSimulator,
} from '../src/providers/constructorGroups/simulator.js';
import {
  startNextcloudTalkSimulator,
  type RunningNextcloudSimulator,
} from '../src/providers/nextcloudTalk/simulator.js';
import { api, startApp, type TestApp } from './support/app.js';
import { databaseKinds } from './support/databases.js';

const kinds = await databaseKinds();
const NC = {
  acme: { username: 'acme-bot', password: 'acme-app-pass-1f2e3d' },
  globex: { username: 'globex-bot', password: 'globex-app-pass-4c5b6a' },
};
const CG = {
  acme: { accessKey: 'AK-acme-7788', secretKey: 'SK-acme-secret-9911' },
  globex: { accessKey: 'AK-globex-2233', secretKey: 'SK-globex-secret-4455' },
};
const SECRETS = [NC.acme.password, NC.globex.password, CG.acme.secretKey, CG.globex.secretKey];

describe.each(kinds)('Nextcloud Talk and Constructor Groups with organizations’ own accounts (%s)', (db) => {
  let app: TestApp;
  const nextcloud: Record<string, RunningNextcloudSimulator> = {};
  const constructor: Record<string, RunningConstructorSimulator> = {};
  const answers: string[] = [];
  const owner = (org: string) => app.token({ org, role: 'owner', userId: `owner-${org}` });
  const member = (org: string) => app.token({ org, userId: `m-${org}`, email: `m@${org}.example`, name: 'Mia' });
  const send = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await api(app, method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(res.text);
    return res;
  };

  beforeAll(async () => {
    for (const org of ['acme', 'globex'] as const) {
      nextcloud[org] = await startNextcloudTalkSimulator(NC[org]);
      constructor[org] = await startConstructorGroupsSimulator(CG[org]);
    }
    // The server has no account at either provider.
    app = await startApp({ db, env: { ALLOWED_PRIVATE_UPSTREAM_HOSTS: '127.0.0.1', CALLS_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([...Object.values(nextcloud), ...Object.values(constructor)].map((sim) => sim.close()));
  });

  test('when each org brings its own Nextcloud account, then each conversation is made on its own server', async () => {
    for (const org of ['acme', 'globex'] as const) {
      const path = `/api/v1/orgs/${org}/providers/nextcloud_talk/credentials`;
      const body = { server: nextcloud[org]?.url, username: NC[org].username, password: NC[org].password };
      expect((await send('POST', `${path}/check`, owner(org), body)).body).toMatchObject({ status: 'ok' });
      const put = await send('PUT', path, owner(org), body);
      expect(put.body).toMatchObject({
        configured: true,
        fields: { server: nextcloud[org]?.url, username: NC[org].username },
      });
      await send('PATCH', `/api/v1/orgs/${org}/settings`, owner(org), { video_chat_provider: 'nextcloud_talk' });
    }
    const a = await send('POST', '/api/v1/calls', member('acme'), { meeting_name: 'acme standup' });
    const b = await send('POST', '/api/v1/calls', member('globex'), { meeting_name: 'globex standup' });
    expect(String(a.body['url']).startsWith(`${nextcloud['acme']?.url}index.php/call/`)).toBe(true);
    expect(String(b.body['url']).startsWith(`${nextcloud['globex']?.url}index.php/call/`)).toBe(true);
    for (const org of ['acme', 'globex'] as const) {
      const rooms = nextcloud[org]?.sim.state.requestsOf('room') ?? [];
      expect(rooms.map((r) => [r.authorized, (r.body as Record<string, unknown>)['roomName']])).toEqual([
        [true, `${org} standup`],
      ]);
    }
  });

  test('when each org brings its own Constructor Groups key, then each room is asked of its own API with its key', async () => {
    for (const org of ['acme', 'globex'] as const) {
      const path = `/api/v1/orgs/${org}/providers/constructor_groups/credentials`;
      const body = { url: constructor[org]?.url, access_key: CG[org].accessKey, secret_key: CG[org].secretKey };
      const wrong = await send('POST', `${path}/check`, owner(org), { ...body, secret_key: 'not-it' });
      expect(wrong.body).toMatchObject({ status: 'failed', reason: 'invalid_credentials' });
      const put = await send('PUT', path, owner(org), body);
      expect(put.body['fields']).toEqual({ url: constructor[org]?.url });
      await send('PATCH', `/api/v1/orgs/${org}/settings`, owner(org), { video_chat_provider: 'constructor_groups' });
    }
    // A new access key without its secret key is a new key pair: refused, nothing changes.
    const half = await send('PUT', '/api/v1/orgs/acme/providers/constructor_groups/credentials', owner('acme'), {
      url: constructor['acme']?.url,
      access_key: 'AK-other',
    });
    expect(half.status).toBe(400);
    expect(String(half.body['msg'])).toMatch(/^secret_key: required for a new account/);
    for (const org of ['acme', 'globex'] as const) {
      const before = constructor[org]?.sim.state.requestsOf('room').length ?? 0;
      const made = await send('POST', '/api/v1/calls', member(org), {});
      expect(made.status).toBe(200);
      const requests = constructor[org]?.sim.state.requestsOf('room') ?? [];
      expect(requests.length).toBe(before + 1);
      expect(requests.at(-1)).toMatchObject({ authorized: true, body: { creator_email: `m@${org}.example` } });
    }
    const haystacks = [...answers, ...app.logs];
    for (const secret of SECRETS) expect(haystacks.filter((text) => text.includes(secret))).toEqual([]);
  });
});
