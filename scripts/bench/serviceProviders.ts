/**
 * `npm run bench -- webex nextcloud cgroups`: the providers whose call makes one or two
 * upstream requests with a user's token (Webex) or a service account (Nextcloud Talk,
 * Constructor Groups), against their simulators in their own process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DIST, SECRETS as secrets, startOptions, TOKEN as token } from './callgate.js';
import { forkSimulator, productionDir, spawnServer } from './harness.js';
import { overSimulator as addedLatency, selectProvider } from './providers.js';
import { json } from './report.js';

/** One request for autocannon. */
interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const UPSTREAM_DELAY_MS = Number(process.env['BENCH_UPSTREAM_DELAY_MS'] ?? 20);
/** One user's `POST /api/v1/calls`. */
const callRequest = {
  method: 'POST' as const,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ is_video_call: true, meeting_name: 'bench' }),
};

/**
 * Webex (user OAuth): POST /api/v1/calls makes a public room, then an ad-hoc meeting in it.
 * The simulator's own time is that of the same two requests sent straight at it.
 */
export async function webex(): Promise<void> {
  const clientSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['webex', String(UPSTREAM_DELAY_MS), clientSecret]);
  const callgate = await spawnServer([...startOptions(), `${DIST}/main.js`], {
    cwd: productionDir({ ...secrets, video_webex_client_secret: clientSecret }),
    env: {
      PORT: '0',
      LOG_LEVEL: 'warn',
      CALLS_PER_MINUTE: '0',
      VIDEO_WEBEX_CLIENT_ID: 'bench-webex-client',
      VIDEO_WEBEX_API_URL: sim.url,
    },
  });
  try {
    // A token straight from the simulator for the direct requests (authorize is auto-approved).
    const redirectUri = 'http://127.0.0.1/bench';
    const authorize = await fetch(
      `${sim.url}authorize?${new URLSearchParams({
        client_id: 'bench-webex-client',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'meeting:schedules_write spark:all',
      })}`,
      { redirect: 'manual' },
    );
    const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const grant = (await (
      await fetch(`${sim.url}access_token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: 'bench-webex-client',
          client_secret: clientSecret,
        }),
      })
    ).json()) as { access_token: string };
    const headers = { authorization: `Bearer ${grant.access_token}`, 'content-type': 'application/json' };
    const roomBody = JSON.stringify({ title: 'bench', isPublic: true, description: 'bench' });
    const room = (await (await fetch(`${sim.url}rooms`, { method: 'POST', headers, body: roomBody })).json()) as {
      id: string;
    };
    const direct: Target[] = [
      { url: `${sim.url}rooms`, method: 'POST', headers, body: roomBody },
      {
        url: `${sim.url}meetings`,
        method: 'POST',
        headers,
        body: JSON.stringify({ adhoc: true, roomId: room.id, title: 'bench' }),
      },
    ];
    await selectProvider(callgate.url, 'webex');
    // The user authorizes once: register → (auto-approved) authorize → complete.
    const cookie = { cookie: `callgate_session=${token}` };
    const register = await fetch(`${callgate.url}/calls/webex/register`, { headers: cookie, redirect: 'manual' });
    const approved = await fetch(register.headers.get('location') ?? '', { redirect: 'manual' });
    const complete = await fetch(approved.headers.get('location') ?? '', { headers: cookie });
    if (complete.status !== 200) throw new Error(`Webex authorization failed: ${complete.status}`);
    json['webex'] = await addedLatency({
      section: 'webex',
      label: 'POST /api/v1/calls (room + meeting)',
      sim,
      pid: callgate.process.pid ?? 0,
      direct,
      through: { url: `${callgate.url}/api/v1/calls`, ...callRequest },
      expectStatus: 200,
    });
  } finally {
    await Promise.all([callgate.stop(), sim.stop()]);
  }
}

/** Nextcloud Talk: POST /api/v1/calls creates a public conversation with the service account. */
export async function nextcloudTalk(): Promise<void> {
  const password = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['nextcloud', String(UPSTREAM_DELAY_MS), password]);
  const callgate = await spawnServer([...startOptions(), `${DIST}/main.js`], {
    cwd: productionDir({ ...secrets, nextcloud_talk_password: password }),
    env: {
      PORT: '0',
      LOG_LEVEL: 'warn',
      CALLS_PER_MINUTE: '0',
      NEXTCLOUD_SERVER: sim.url,
      NEXTCLOUD_TALK_USERNAME: 'bench',
    },
  });
  try {
    await selectProvider(callgate.url, 'nextcloud_talk');
    json['nextcloudTalk'] = await addedLatency({
      section: 'nc-talk',
      label: 'POST /api/v1/calls',
      sim,
      pid: callgate.process.pid ?? 0,
      // The same conversation request, sent straight at the simulator.
      direct: {
        url: `${sim.url}ocs/v2.php/apps/spreed/api/v4/room`,
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`bench:${password}`).toString('base64')}`,
          'ocs-apirequest': 'true',
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ roomType: 3, roomName: 'bench' }),
      },
      through: { url: `${callgate.url}/api/v1/calls`, ...callRequest },
      expectStatus: 200,
    });
  } finally {
    await Promise.all([callgate.stop(), sim.stop()]);
  }
}

/** Constructor Groups: POST /api/v1/calls gets the creator's room with the hashed API key. */
export async function constructorGroups(): Promise<void> {
  const secretKey = randomBytes(16).toString('hex');
  const accessKey = 'bench-access-key';
  const sim = await forkSimulator(['constructor', String(UPSTREAM_DELAY_MS), secretKey]);
  const callgate = await spawnServer([...startOptions(), `${DIST}/main.js`], {
    cwd: productionDir({
      ...secrets,
      constructor_groups_access_key: accessKey,
      constructor_groups_secret_key: secretKey,
    }),
    env: { PORT: '0', LOG_LEVEL: 'warn', CALLS_PER_MINUTE: '0', CONSTRUCTOR_GROUPS_URL: sim.url },
  });
  try {
    await selectProvider(callgate.url, 'constructor_groups');
    const digest = createHash('sha256').update(`${accessKey}|${secretKey}`).digest('hex');
    json['constructorGroups'] = await addedLatency({
      section: 'cgroups',
      label: 'POST /api/v1/calls',
      sim,
      pid: callgate.process.pid ?? 0,
      direct: {
        url: `${sim.url}room/default`,
        method: 'POST',
        headers: { authorization: `Bearer ${accessKey}|${digest}`, 'content-type': 'application/json' },
        body: JSON.stringify({ creator_email: 'user1@bench.example', name: 'bench', fallback_name: 'Bench (bench-1)' }),
      },
      through: { url: `${callgate.url}/api/v1/calls`, ...callRequest },
      expectStatus: 200,
    });
  } finally {
    await Promise.all([callgate.stop(), sim.stop()]);
  }
}
