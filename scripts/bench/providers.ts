/**
 * Latency p50/p99 at 1, 10 and 50 clients for each provider over its simulator, with the
 * simulator's own answer time for the same request (so callgate's added time shows), the
 * provider requests per call and callgate's CPU time per call.
 */
import { randomBytes } from 'node:crypto';
import { mintToken } from '../../src/auth/identity.js';
import { signBbbQuery } from '../../src/providers/bigbluebutton/checksum.js';
import { callRequest, cpuMilliseconds, SECRETS, startCallgate, TOKEN } from './callgate.js';
import { forkSimulator, load, type LoadResult, type SimChild } from './harness.js';
import { json, row } from './report.js';

const LEVELS = [1, 10, 50];
const UPSTREAM_DELAY_MS = Number(process.env['BENCH_UPSTREAM_DELAY_MS'] ?? 20);

/** One request for autocannon. */
interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** Jitsi needs no upstream: callgate's own latency on each database. */
export async function jitsiLatency(): Promise<void> {
  const out: Record<string, unknown> = {};
  for (const database of ['sqlite', 'postgres'] as const) {
    const callgate = await startCallgate(database);
    try {
      await load({ ...callRequest(callgate.url), connections: 10, seconds: 2 });
      const levels: Record<string, unknown> = {};
      for (const connections of LEVELS) {
        const amount = Math.max(2000, connections * 100);
        const cpuBefore = cpuMilliseconds(callgate.pid);
        const result = await load({ ...callRequest(callgate.url), connections, amount });
        const cpu = (cpuMilliseconds(callgate.pid) - cpuBefore) / amount;
        if (result.errors || result.non2xx) throw new Error(`jitsi latency failures: ${JSON.stringify(result)}`);
        levels[connections] = { ...result, cpuPerCallMs: cpu };
        row(
          `jitsi-${database === 'sqlite' ? 'sq' : 'pg'}`,
          `POST /api/v1/calls, ${connections} clients: p50 / p99 (ms)`,
          `${result.p50} / ${result.p99}`,
        );
        row(
          `jitsi-${database === 'sqlite' ? 'sq' : 'pg'}`,
          `POST /api/v1/calls, ${connections} clients: CPU per call (ms)`,
          cpu.toFixed(3),
        );
      }
      out[database] = levels;
    } finally {
      await callgate.dispose();
    }
  }
  json['jitsiLatency'] = out;
}

/**
 * Latency of `through` (callgate) and of `direct` (the simulator alone), provider requests
 * per call and callgate's CPU per call, at each concurrency level.
 */
export async function overSimulator(options: {
  section: string;
  label: string;
  sim: SimChild;
  /** callgate's process id, to read its CPU time. */
  pid: number;
  /** The provider requests one callgate request makes; several are measured apart and their latencies added. */
  direct: Target | Target[];
  through: Target;
  expectStatus: number;
  /** Concurrency levels; 1, 10 and 50 by default. */
  levels?: number[];
}): Promise<Record<string, unknown>> {
  const directs = Array.isArray(options.direct) ? options.direct : [options.direct];
  await load({ ...options.through, connections: 10, seconds: 2 });
  const levels: Record<string, unknown> = {};
  for (const connections of options.levels ?? LEVELS) {
    // A fixed number of requests, so provider requests per call are exact.
    const amount = Math.max(300, connections * 40);
    const parts: LoadResult[] = [];
    for (const direct of directs) parts.push(await load({ ...direct, connections, amount }));
    // The provider's own time for the whole call: the sum of its requests' times.
    const upstream = parts.reduce((sum, part) => ({ ...sum, p50: sum.p50 + part.p50, p99: sum.p99 + part.p99 }));
    options.sim.reset();
    const cpuBefore = cpuMilliseconds(options.pid);
    const through = await load({ ...options.through, connections, amount });
    const cpu = (cpuMilliseconds(options.pid) - cpuBefore) / amount;
    const stats = await options.sim.stats();
    const failed = options.expectStatus === 200 ? through.non2xx : amount - through.non2xx;
    if (through.errors || failed) throw new Error(`${options.label} run had failures: ${JSON.stringify(through)}`);
    const perCall = (stats['total'] ?? 0) / amount;
    levels[connections] = {
      upstream,
      callgate: through,
      providerRequests: stats,
      providerRequestsPerCall: perCall,
      cpuPerCallMs: cpu,
    };
    row(
      options.section,
      `${options.label}, ${connections} clients: p50 / p99 (ms) [simulator alone]`,
      `${through.p50} / ${through.p99} [${upstream.p50} / ${upstream.p99}]`,
    );
    row(options.section, `${options.label}, ${connections} clients: provider requests each`, perCall.toFixed(2));
    row(options.section, `${options.label}, ${connections} clients: CPU per call (ms)`, cpu.toFixed(3));
  }
  return { upstreamDelayMs: UPSTREAM_DELAY_MS, levels };
}

/** Selects the organization's provider through the API, as an admin. */
export async function selectProvider(baseUrl: string, provider: string): Promise<void> {
  const admin = mintToken(SECRETS.auth_jwt_secret, { org: 'bench', userId: 'admin', role: 'admin' });
  const patched = await fetch(`${baseUrl}/api/v1/orgs/bench/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ video_chat_provider: provider }),
  });
  if (!patched.ok) throw new Error(`could not select ${provider}: ${await patched.text()}`);
}

/** The BigBlueButton join redirect (one signed `create`; the `join` is the browser's). */
export async function bigBlueButton(): Promise<void> {
  const bbbSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['bbb', String(UPSTREAM_DELAY_MS), bbbSecret]);
  const callgate = await startCallgate('sqlite', {
    secrets: { big_blue_button_secret: bbbSecret },
    env: { BIG_BLUE_BUTTON_URL: sim.url },
  });
  try {
    await selectProvider(callgate.url, 'big_blue_button');
    const created = (await (
      await fetch(`${callgate.url}/api/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { url: string };
    const direct = `${sim.url}api/create?${signBbbQuery({
      algorithm: 'sha256',
      call: 'create',
      params: [
        ['meetingID', 'direct'],
        ['name', 'direct'],
      ],
      secret: bbbSecret,
    })}`;
    json['bigbluebutton'] = await overSimulator({
      section: 'bbb',
      label: 'join redirect',
      sim,
      pid: callgate.pid,
      direct: { url: direct },
      through: { url: created.url, headers: { cookie: `callgate_session=${TOKEN}` } },
      expectStatus: 302,
    });
  } finally {
    await Promise.all([callgate.dispose(), sim.stop()]);
  }
}

/** Zoom: POST /api/v1/calls with the server-to-server app and with a user's OAuth token. */
export async function zoom(): Promise<void> {
  const clientSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['zoom', String(UPSTREAM_DELAY_MS), clientSecret]);
  const zoomEnv = { VIDEO_ZOOM_CLIENT_ID: 'bench-client', VIDEO_ZOOM_API_URL: sim.url, VIDEO_ZOOM_OAUTH_URL: sim.url };
  const secrets = { video_zoom_client_secret: clientSecret };
  const accountToken = (await (
    await fetch(`${sim.url}/oauth/token?grant_type=account_credentials&account_id=bench-account`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`bench-client:${clientSecret}`).toString('base64')}` },
    })
  ).json()) as { access_token: string };
  const direct: Target = {
    url: `${sim.url}/v2/users/user1%40bench.example/meetings`,
    method: 'POST',
    headers: { authorization: `Bearer ${accountToken.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      topic: 'bench',
      settings: { host_video: true, participant_video: true },
      default_password: true,
    }),
  };
  // One user: the one who authorizes Zoom below.
  const oneUser = (url: string): Target => ({
    url: `${url}/api/v1/calls`,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ is_video_call: true, meeting_name: 'bench' }),
  });
  try {
    const s2s = await startCallgate('sqlite', {
      secrets,
      env: { ...zoomEnv, VIDEO_ZOOM_SERVER_TO_SERVER_ACCOUNT_ID: 'bench-account' },
    });
    try {
      await selectProvider(s2s.url, 'zoom_server_to_server');
      json['zoomServerToServer'] = await overSimulator({
        section: 'zoom-s2s',
        label: 'POST /api/v1/calls',
        sim,
        pid: s2s.pid,
        direct,
        through: oneUser(s2s.url),
        expectStatus: 200,
      });
    } finally {
      await s2s.dispose();
    }
    const user = await startCallgate('sqlite', { secrets, env: zoomEnv });
    try {
      await selectProvider(user.url, 'zoom');
      const cookie = { cookie: `callgate_session=${TOKEN}` };
      const register = await fetch(`${user.url}/calls/zoom/register`, { headers: cookie, redirect: 'manual' });
      const authorize = await fetch(register.headers.get('location') ?? '', { redirect: 'manual' });
      const complete = await fetch(authorize.headers.get('location') ?? '', { headers: cookie });
      if (complete.status !== 200) throw new Error(`Zoom authorization failed: ${complete.status}`);
      json['zoomUserOAuth'] = await overSimulator({
        section: 'zoom-user',
        label: 'POST /api/v1/calls',
        sim,
        pid: user.pid,
        direct,
        through: oneUser(user.url),
        expectStatus: 200,
      });
    } finally {
      await user.dispose();
    }
  } finally {
    await sim.stop();
  }
}
