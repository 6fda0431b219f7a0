import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { checkAccount, createRoom } from './client.js';
import { startConstructorGroupsSimulator, type RunningConstructorSimulator } from './simulator.js';

const ACCESS_KEY = 'ak-5e1f0c';
const SECRET_KEY = 'sk-9b7d3a51e2';
const body = { creator_email: 'ada@example.com', name: 'standup', fallback_name: 'Ada (acme-42)' };

describe('the Constructor Groups client against the simulator', () => {
  let cg: RunningConstructorSimulator;
  beforeAll(async () => {
    cg = await startConstructorGroupsSimulator({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
  });
  afterAll(async () => cg.close());
  afterEach(() => cg.sim.state.reset());
  const account = (secretKey = SECRET_KEY) => ({ url: cg.url, accessKey: ACCESS_KEY, secretKey });

  test('when a room is asked for twice by one creator, then the same room, one request each', async () => {
    const first = await createRoom(account(), body, 2000);
    const second = await createRoom(account(), { ...body, name: 'retro' }, 2000);
    expect(first.ok && first.value.startsWith(`${cg.url}groups/room/`)).toBe(true);
    expect(second).toEqual(first);
    expect(cg.sim.state.requestsOf('room').map((r) => r.authorized)).toEqual([true, true]);
    expect(cg.sim.state.rooms.size).toBe(1);
  });

  test('when the secret key is wrong, then the hash does not match and the client says auth_rejected', async () => {
    expect(await createRoom(account('sk-other'), body, 2000)).toMatchObject({
      ok: false,
      failure: { kind: 'auth_rejected', status: 401 },
    });
    expect(cg.sim.state.rooms.size).toBe(0);
  });

  test('when the Bearer header carries the secret key itself instead of its hash, then 401', async () => {
    const res = await fetch(`${cg.url}room/default`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCESS_KEY}|${SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(401);
    expect(cg.sim.state.rooms.size).toBe(0);
  });

  test('when the check runs, then the key is proven without creating a room', async () => {
    expect(await checkAccount(account(), 2000)).toEqual({ ok: true, value: undefined });
    expect(cg.sim.state.rooms.size).toBe(0);
    expect(await checkAccount(account('sk-other'), 2000)).toMatchObject({
      ok: false,
      failure: { kind: 'auth_rejected' },
    });
  });
});
