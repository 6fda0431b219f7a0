/**
 * CPU profile of `POST /api/v1/calls` (Jitsi, 50 connections) on the production build:
 *   node --import tsx scripts/bench/profile.ts sqlite|postgres [seconds]
 * Runs dist/main.js under `node --cpu-prof`, loads it with autocannon, stops it with SIGTERM
 * (the profile is written at exit) and prints the top functions by self time.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../src/auth/identity.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import { load, productionDir, ROOT, spawnServer } from './harness.js';

/** One node of a V8 .cpuprofile. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The top `count` functions by self time, as "percent  function  file:line" lines. */
export function topSelfTime(profilePath: string, count = 15): string[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as { nodes: ProfileNode[] };
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const frame = node.callFrame;
    const file = frame.url.replace(/^file:\/\//, '').replace(ROOT, '');
    const where = file ? `${file.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}  ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** Profiles one database; returns the summary lines. */
export async function profileCalls(database: 'sqlite' | 'postgres', seconds = 10): Promise<string[]> {
  const jwtSecret = randomBytes(32).toString('base64url');
  const secrets = {
    auth_jwt_secret: jwtSecret,
    signing_secret: randomBytes(32).toString('base64url'),
    token_encryption_key: randomBytes(32).toString('base64'),
  };
  const pg = database === 'postgres' ? await createTestDatabase() : null;
  const profileDir = mkdtempSync(join(tmpdir(), 'callgate-prof-'));
  const callgate = await spawnServer(['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `${ROOT}dist/main.js`], {
    cwd: productionDir(secrets),
    env: {
      PORT: '0',
      LOG_LEVEL: 'warn',
      JITSI_SERVER_URL: 'https://meet.example.org',
      // The limiter on, but above what the bench's users reach.
      CALLS_PER_MINUTE: '100000',
      ...(pg ? { DATABASE_URL: pg.url } : {}),
    },
  });
  try {
    const tokens = Array.from({ length: 50 }, (_, i) =>
      mintToken(jwtSecret, { org: 'bench', userId: String(i), role: 'member', ttlSeconds: 3600 }),
    );
    let next = 0;
    const result = await load({
      url: `${callgate.url}/api/v1/calls`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ is_video_call: true, meeting_name: 'bench' }),
      connections: 50,
      seconds,
      setupRequest: (request) => ({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length] ?? ''}` },
      }),
    });
    if (result.errors || result.non2xx) throw new Error(`profile run had failures: ${JSON.stringify(result)}`);
    process.stderr.write(`profile ${database}: ${result.requestsPerSecond.toFixed(0)} req/s\n`);
  } finally {
    await callgate.stop();
    await pg?.drop();
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  return [`${database}: top self time (${join(profileDir, file)})`, ...topSelfTime(join(profileDir, file))];
}

if (process.argv[1]?.endsWith('profile.ts')) {
  const which = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'postgres';
  const lines = await profileCalls(which, Number(process.argv[3] ?? 10));
  process.stdout.write(`${lines.join('\n')}\n`);
}
