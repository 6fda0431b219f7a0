/**
 * `npm run bench`: measures the production build (dist/) against baselines in the same run,
 * prints a table and JSON, and writes BENCHMARKS.md. Sections can be chosen:
 *   npm run bench -- jitsi
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mintToken } from '../src/auth/identity.js';
import { signBbbQuery } from '../src/providers/bigbluebutton/checksum.js';
import { createTestDatabase } from '../test/support/postgres.js';
import {
  forkSimulator,
  load,
  productionDir,
  ROOT,
  spawnServer,
  type LoadResult,
  type SimChild,
} from './bench/harness.js';
import { benchGoogleMeet, benchMicrosoftTeams, type BenchContext } from './bench/meetingProviders.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

const secrets = {
  auth_jwt_secret: randomBytes(32).toString('base64url'),
  signing_secret: randomBytes(32).toString('base64url'),
  token_encryption_key: randomBytes(32).toString('base64'),
};
const token = mintToken(secrets.auth_jwt_secret, { org: 'bench', userId: '1', role: 'member', ttlSeconds: 3600 });
const callRequest = {
  method: 'POST' as const,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ is_video_call: true, meeting_name: 'bench' }),
};

/** One row of the printed table. */
interface Row {
  section: string;
  measure: string;
  value: string;
}
const rows: Row[] = [];
const json: Record<string, unknown> = {};

async function best(url: string): Promise<LoadResult> {
  const results: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    results.push(await load({ url, ...callRequest, connections: CONNECTIONS, seconds: SECONDS }));
  }
  return results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
}

async function jitsiThroughput(): Promise<void> {
  const bare = await spawnServer([`${ROOT}scripts/bench/bare-server.js`], {
    env: { BENCH_JWT_SECRET: secrets.auth_jwt_secret },
  });
  const bareCached = await spawnServer([`${ROOT}scripts/bench/bare-server.js`], {
    env: { BENCH_JWT_SECRET: secrets.auth_jwt_secret, BENCH_CACHE: '1' },
  });
  const callgate = await spawnServer([`${ROOT}dist/main.js`], {
    cwd: productionDir(secrets),
    env: { PORT: '0', LOG_LEVEL: 'warn', JITSI_SERVER_URL: 'https://meet.example.org', CALLS_PER_MINUTE: '0' },
  });
  try {
    // Warm up all three (JIT, SQLite page cache), then measure in alternating rounds.
    for (const server of [bare, bareCached, callgate]) {
      await load({ url: `${server.url}/api/v1/calls`, ...callRequest, connections: CONNECTIONS, seconds: 2 });
    }
    const bareResult = await best(`${bare.url}/api/v1/calls`);
    const cachedResult = await best(`${bareCached.url}/api/v1/calls`);
    const callgateResult = await best(`${callgate.url}/api/v1/calls`);
    for (const result of [bareResult, cachedResult, callgateResult]) {
      if (result.errors || result.non2xx) throw new Error(`load run had failures: ${JSON.stringify(result)}`);
    }
    const ratio = callgateResult.requestsPerSecond / bareResult.requestsPerSecond;
    const ratioCached = callgateResult.requestsPerSecond / cachedResult.requestsPerSecond;
    rows.push(
      {
        section: 'jitsi',
        measure: 'bare Express + jwt.verify per request (req/s)',
        value: bareResult.requestsPerSecond.toFixed(0),
      },
      {
        section: 'jitsi',
        measure: 'bare Express + verify-once cache (req/s)',
        value: cachedResult.requestsPerSecond.toFixed(0),
      },
      {
        section: 'jitsi',
        measure: 'callgate POST /api/v1/calls, Jitsi, SQLite (req/s)',
        value: callgateResult.requestsPerSecond.toFixed(0),
      },
      { section: 'jitsi', measure: 'ratio callgate / bare verify (target >= 0.8)', value: ratio.toFixed(2) },
      { section: 'jitsi', measure: 'ratio callgate / bare with cache', value: ratioCached.toFixed(2) },
      {
        section: 'jitsi',
        measure: 'callgate latency p50 / p99 (ms)',
        value: `${callgateResult.p50} / ${callgateResult.p99}`,
      },
    );
    json['jitsi'] = {
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      bare: bareResult,
      bareCached: cachedResult,
      callgate: callgateResult,
      ratio,
      ratioCached,
    };
  } finally {
    await Promise.all([bare.stop(), bareCached.stop(), callgate.stop()]);
  }
}

const UPSTREAM_DELAY_MS = Number(process.env['BENCH_UPSTREAM_DELAY_MS'] ?? 20);
/** Client counts of the added-latency runs; `BENCH_LEVELS=1,50` picks fewer. */
const LEVELS = (process.env['BENCH_LEVELS'] ?? '1,50,200').split(',').map(Number);

/** One request for autocannon. */
interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Added latency of a callgate request over the fake provider's own answer time (the same
 * provider request sent straight at the simulator, at the same concurrency), and provider
 * requests per callgate request, at 1, 50 and 200 clients.
 */
async function addedLatency(options: {
  section: string;
  label: string;
  sim: SimChild;
  /** callgate's process id, to read its CPU time. */
  pid: number;
  /** The provider requests one callgate request makes; several are measured apart and their latencies added. */
  direct: Target | Target[];
  through: Target;
  expectStatus: number;
  /** Concurrency levels; LEVELS by default. */
  levels?: number[];
}): Promise<Record<string, unknown>> {
  const directs = Array.isArray(options.direct) ? options.direct : [options.direct];
  await load({ ...options.through, connections: 10, seconds: 2 });
  const levels: Record<string, unknown> = {};
  for (const connections of options.levels ?? LEVELS) {
    // A fixed number of requests, so upstream requests per callgate request are exact.
    const amount = Math.max(1000, connections * 20);
    const parts: LoadResult[] = [];
    for (const direct of directs) parts.push(await load({ ...direct, connections, amount }));
    // The provider's own time for the whole call: the sum of its requests' times.
    const upstream = parts.reduce((sum, part) => ({ ...sum, p50: sum.p50 + part.p50, p99: sum.p99 + part.p99 }));
    options.sim.reset();
    const cpuBefore = cpuMilliseconds(options.pid);
    const through = await load({ ...options.through, connections, amount });
    const cpuPerRequest = (cpuMilliseconds(options.pid) - cpuBefore) / amount;
    const stats = await options.sim.stats();
    const failed = options.expectStatus === 200 ? through.non2xx : amount - through.non2xx;
    if (through.errors || failed) throw new Error(`${options.label} run had failures: ${JSON.stringify(through)}`);
    const perRequest = (stats['total'] ?? 0) / amount;
    levels[connections] = {
      upstream,
      callgate: through,
      providerRequests: stats,
      providerRequestsPerRequest: perRequest,
    };
    rows.push(
      {
        section: options.section,
        measure: `${options.label}, ${connections} clients: added p50 / p99 (ms)`,
        value: `${(through.p50 - upstream.p50).toFixed(1)} / ${(through.p99 - upstream.p99).toFixed(1)}`,
      },
      {
        section: options.section,
        measure: `${options.label}, ${connections} clients: provider requests each`,
        value: perRequest.toFixed(2),
      },
      {
        section: options.section,
        measure: `${options.label}, ${connections} clients: callgate CPU per request (ms)`,
        value: cpuPerRequest.toFixed(3),
      },
    );
  }
  return { upstreamDelayMs: UPSTREAM_DELAY_MS, levels };
}

/** Selects the organization's provider through the API, as an admin. */
async function selectProvider(baseUrl: string, provider: string): Promise<void> {
  const admin = mintToken(secrets.auth_jwt_secret, { org: 'bench', userId: 'admin', role: 'admin' });
  const patched = await fetch(`${baseUrl}/api/v1/orgs/bench/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ video_chat_provider: provider }),
  });
  if (!patched.ok) throw new Error(`could not select ${provider}: ${await patched.text()}`);
}

/** The BigBlueButton join redirect (one signed `create`; the `join` is the browser's). */
async function bigBlueButtonJoin(): Promise<void> {
  const bbbSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['bbb', String(UPSTREAM_DELAY_MS), bbbSecret]);
  const callgate = await spawnServer([`${ROOT}dist/main.js`], {
    cwd: productionDir({ ...secrets, big_blue_button_secret: bbbSecret }),
    env: { PORT: '0', LOG_LEVEL: 'warn', BIG_BLUE_BUTTON_URL: sim.url, CALLS_PER_MINUTE: '0' },
  });
  try {
    await selectProvider(callgate.url, 'big_blue_button');
    const created = (await (await fetch(`${callgate.url}/api/v1/calls`, callRequest)).json()) as { url: string };
    const direct = `${sim.url}api/create?${signBbbQuery({
      algorithm: 'sha256',
      call: 'create',
      params: [
        ['meetingID', 'direct'],
        ['name', 'direct'],
      ],
      secret: bbbSecret,
    })}`;
    json['bigbluebutton'] = await addedLatency({
      section: 'bbb',
      label: 'join redirect',
      sim,
      pid: callgate.process.pid ?? 0,
      direct: { url: direct },
      through: { url: created.url, headers: { cookie: `callgate_session=${token}` } },
      expectStatus: 302,
    });
  } finally {
    await Promise.all([callgate.stop(), sim.stop()]);
  }
}

/** Zoom: POST /api/v1/calls with the server-to-server app and with a user's OAuth token. */
async function zoom(): Promise<void> {
  const clientSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['zoom', String(UPSTREAM_DELAY_MS), clientSecret]);
  const zoomEnv = {
    PORT: '0',
    LOG_LEVEL: 'warn',
    CALLS_PER_MINUTE: '0',
    VIDEO_ZOOM_CLIENT_ID: 'bench-client',
    VIDEO_ZOOM_API_URL: sim.url,
    VIDEO_ZOOM_OAUTH_URL: sim.url,
  };
  const cwd = productionDir({ ...secrets, video_zoom_client_secret: clientSecret });
  // The simulator's own answer time: a meeting created straight at it with an account token.
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
  try {
    const s2s = await spawnServer([`${ROOT}dist/main.js`], {
      cwd,
      env: { ...zoomEnv, VIDEO_ZOOM_SERVER_TO_SERVER_ACCOUNT_ID: 'bench-account' },
    });
    try {
      await selectProvider(s2s.url, 'zoom_server_to_server');
      json['zoomServerToServer'] = await addedLatency({
        section: 'zoom-s2s',
        label: 'POST /api/v1/calls',
        sim,
        pid: s2s.process.pid ?? 0,
        direct,
        through: { url: `${s2s.url}/api/v1/calls`, ...callRequest },
        expectStatus: 200,
      });
    } finally {
      await s2s.stop();
    }
    const user = await spawnServer([`${ROOT}dist/main.js`], { cwd, env: zoomEnv });
    try {
      await selectProvider(user.url, 'zoom');
      // The user authorizes once: register → (auto-approved) authorize → complete.
      const cookie = { cookie: `callgate_session=${token}` };
      const register = await fetch(`${user.url}/calls/zoom/register`, { headers: cookie, redirect: 'manual' });
      const authorize = await fetch(register.headers.get('location') ?? '', { redirect: 'manual' });
      const complete = await fetch(authorize.headers.get('location') ?? '', { headers: cookie });
      if (complete.status !== 200) throw new Error(`Zoom authorization failed: ${complete.status}`);
      json['zoomUserOAuth'] = await addedLatency({
        section: 'zoom-user',
        label: 'POST /api/v1/calls',
        sim,
        pid: user.process.pid ?? 0,
        direct,
        through: { url: `${user.url}/api/v1/calls`, ...callRequest },
        expectStatus: 200,
      });
    } finally {
      await user.stop();
    }
  } finally {
    await sim.stop();
  }
}

/**
 * Webex (user OAuth): POST /api/v1/calls makes a public room, then an ad-hoc meeting in it.
 * The simulator's own time is that of the same two requests sent straight at it.
 */
async function webex(): Promise<void> {
  const clientSecret = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['webex', String(UPSTREAM_DELAY_MS), clientSecret]);
  const callgate = await spawnServer([`${ROOT}dist/main.js`], {
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

/** The two server-account providers of SPEC §4a are measured at 1 and 50 clients. */
const SERVER_ACCOUNT_LEVELS = [1, 50];

/** Nextcloud Talk: POST /api/v1/calls creates a public conversation with the service account. */
async function nextcloudTalk(): Promise<void> {
  const password = randomBytes(16).toString('hex');
  const sim = await forkSimulator(['nextcloud', String(UPSTREAM_DELAY_MS), password]);
  const callgate = await spawnServer([`${ROOT}dist/main.js`], {
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
      levels: SERVER_ACCOUNT_LEVELS,
    });
  } finally {
    await Promise.all([callgate.stop(), sim.stop()]);
  }
}

/** Constructor Groups: POST /api/v1/calls gets the creator's room with the hashed API key. */
async function constructorGroups(): Promise<void> {
  const secretKey = randomBytes(16).toString('hex');
  const accessKey = 'bench-access-key';
  const sim = await forkSimulator(['constructor', String(UPSTREAM_DELAY_MS), secretKey]);
  const callgate = await spawnServer([`${ROOT}dist/main.js`], {
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
      levels: SERVER_ACCOUNT_LEVELS,
    });
  } finally {
    await Promise.all([callgate.stop(), sim.stop()]);
  }
}

/** CPU time (user + system) a process has used, from /proc, in milliseconds. */
function cpuMilliseconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process, from /proc. */
function residentMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) / 1024;
}

/** Resident memory after 20,000 call creations. */
async function memory(): Promise<void> {
  const callgate = await spawnServer([`${ROOT}dist/main.js`], {
    cwd: productionDir(secrets),
    env: { PORT: '0', LOG_LEVEL: 'warn', JITSI_SERVER_URL: 'https://meet.example.org', CALLS_PER_MINUTE: '0' },
  });
  try {
    const pid = callgate.process.pid ?? 0;
    const before = residentMegabytes(pid);
    const result = await load({ url: `${callgate.url}/api/v1/calls`, ...callRequest, connections: 50, amount: 20_000 });
    if (result.errors || result.non2xx) throw new Error(`memory run had failures: ${JSON.stringify(result)}`);
    const after = residentMegabytes(pid);
    rows.push(
      { section: 'memory', measure: 'resident memory at start (MB)', value: before.toFixed(1) },
      { section: 'memory', measure: 'resident memory after 20,000 POST /api/v1/calls (MB)', value: after.toFixed(1) },
    );
    json['memory'] = { startMb: before, after20000Mb: after };
  } finally {
    await callgate.stop();
  }
}

/** Time from spawning the process to the first 200 from /readyz (median of 3), on each database. */
async function startup(): Promise<void> {
  const measure = async (databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const database = await databaseUrl();
      const started = performance.now();
      const callgate = await spawnServer([`${ROOT}dist/main.js`], {
        cwd: productionDir(secrets),
        env: { PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: database.url },
      });
      while ((await fetch(`${callgate.url}/readyz`).catch(() => null))?.status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      times.push(performance.now() - started);
      await callgate.stop();
      await database.drop();
    }
    return times.sort((a, b) => a - b)[1] ?? NaN;
  };
  const sqlite = await measure(async () => ({ url: 'sqlite:./data/bench.sqlite', drop: async () => undefined }));
  const postgres = await measure(() => createTestDatabase());
  rows.push(
    { section: 'startup', measure: 'spawn to /readyz, SQLite, fresh database (ms)', value: sqlite.toFixed(0) },
    { section: 'startup', measure: 'spawn to /readyz, PostgreSQL, fresh database (ms)', value: postgres.toFixed(0) },
  );
  json['startup'] = { sqliteMs: sqlite, postgresMs: postgres };
}

/** What the per-user OAuth providers' sections (scripts/bench/meetingProviders.ts) need from here. */
const meetingContext: BenchContext = {
  secrets,
  token,
  callRequest,
  upstreamDelayMs: UPSTREAM_DELAY_MS,
  selectProvider,
  addedLatency,
};

const SECTIONS: Record<string, () => Promise<void>> = {
  jitsi: jitsiThroughput,
  zoom,
  webex,
  bbb: bigBlueButtonJoin,
  google_meet: async () => void (json['googleMeet'] = await benchGoogleMeet(meetingContext)),
  microsoft_teams: async () => void (json['microsoftTeams'] = await benchMicrosoftTeams(meetingContext)),
  nextcloud: nextcloudTalk,
  cgroups: constructorGroups,
  memory,
  startup,
};

const chosen = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
for (const name of chosen.length ? chosen : Object.keys(SECTIONS)) {
  const section = SECTIONS[name];
  if (!section) throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
  process.stderr.write(`bench: ${name}…\n`);
  await section();
}

const width = Math.max(...rows.map((row) => row.measure.length));
const table = rows
  .map((row) => `| ${row.section.padEnd(8)} | ${row.measure.padEnd(width)} | ${row.value.padStart(12)} |`)
  .join('\n');
const header = `| ${'section'.padEnd(8)} | ${'measure'.padEnd(width)} | ${'value'.padStart(12)} |\n|${'-'.repeat(10)}|${'-'.repeat(width + 2)}|${'-'.repeat(14)}|`;
process.stdout.write(`${header}\n${table}\n\n${JSON.stringify(json, null, 2)}\n`);

/** How to read the table; written into BENCHMARKS.md with it. */
const READING = [
  'Reading the figures:',
  '- "added p50 / p99" is callgate\'s latency minus the same request sent straight at the simulator, at the same concurrency. Once the 2 cores (shared by autocannon, the simulator and callgate) saturate, both sides queue and a difference of two p99s can even be negative; the 1-client row is the overhead of callgate itself.',
  '- "provider requests each" counts what reached the simulator per callgate request over a fixed number of requests (no retries, no token fetches at steady state).',
  '- "CPU per request" is callgate\'s user+system CPU time (from /proc) divided by requests: the figure that decides where queueing starts on a given machine.',
].join('\n');

if (!process.argv.includes('--no-write')) {
  const machine = `${process.version}, ${(await import('node:os')).cpus().length} cores`;
  writeFileSync(
    `${ROOT}BENCHMARKS.md`,
    `# Benchmarks\n\nProduced by \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, Node ${machine}; ${CONNECTIONS} connections, best of ${ROUNDS} × ${SECONDS} s rounds, load generator autocannon in the same machine).\nBaselines are measured in the same run; compare ratios, not absolute numbers, across machines.\n\n${READING}\n\n${header}\n${table}\n\n<details><summary>JSON</summary>\n\n\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\`\n</details>\n`,
  );
}
