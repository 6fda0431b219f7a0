import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { checkAccount, createConversation } from './client.js';
import { startNextcloudTalkSimulator, type RunningNextcloudSimulator } from './simulator.js';

const USERNAME = 'callgate-bot';
const PASSWORD = 'Xk2p-9fLq-aa71-Wm3c';

describe('the Nextcloud client against the simulator', () => {
  let nc: RunningNextcloudSimulator;
  beforeAll(async () => {
    nc = await startNextcloudTalkSimulator({ username: USERNAME, password: PASSWORD });
  });
  afterAll(async () => nc.close());
  afterEach(() => {
    nc.sim.state.reset();
    nc.sim.state.talkEnabled = true;
  });
  const account = (password = PASSWORD) => ({ server: nc.url, username: USERNAME, password });

  test('when a conversation is created, then one request with Basic auth, OCS-APIRequest and JSON Accept', async () => {
    const result = await createConversation(account(), 'general > standup', 2000);
    expect(result.ok).toBe(true);
    const [request, ...rest] = nc.sim.state.requestsOf('room');
    expect(rest).toHaveLength(0);
    expect(request).toMatchObject({
      authorized: true,
      ocsApiRequest: 'true',
      accept: 'application/json',
      body: { roomType: 3, roomName: 'general > standup' },
    });
    const [room] = [...nc.sim.state.rooms.values()];
    expect(result).toEqual({ ok: true, value: `${nc.url}index.php/call/${room?.token}` });
    const page = await fetch(result.ok ? result.value : '');
    expect(await page.text()).toContain('general &gt; standup');
  });

  test('when a request lacks OCS-APIRequest, then 412 and no conversation; without a JSON Accept, then XML', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${nc.url}ocs/v2.php/apps/spreed/api/v4/room`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify({ roomType: 3, roomName: 'x' }),
      });
    expect((await post({ accept: 'application/json' })).status).toBe(412);
    expect(nc.sim.state.rooms.size).toBe(0);
    const xml = await post({ 'ocs-apirequest': 'true' });
    expect(xml.status).toBe(201);
    expect(xml.headers.get('content-type')).toMatch(/xml/);
  });

  test('when the password is wrong, then the simulator answers 401 and the client says auth_rejected', async () => {
    const result = await createConversation(account('wrong'), 'x', 2000);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'auth_rejected', status: 401 } });
    expect(nc.sim.state.rooms.size).toBe(0);
  });

  test('when the check runs, then user and capabilities are read and nothing is created', async () => {
    expect(await checkAccount(account(), 2000)).toEqual({ ok: true, value: undefined });
    expect(nc.sim.state.requests.map((r) => r.endpoint)).toEqual(['user', 'capabilities']);
    expect(nc.sim.state.rooms.size).toBe(0);
    nc.sim.state.talkEnabled = false;
    expect(await checkAccount(account(), 2000)).toMatchObject({ ok: false, failure: { kind: 'refused' } });
    expect(await checkAccount(account('wrong'), 2000)).toMatchObject({ ok: false, failure: { kind: 'auth_rejected' } });
  });
});
