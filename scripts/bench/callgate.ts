/**
 * Starting callgate for `npm run bench`: the production build, with the node options of
 * `npm start` (read from package.json, so the bench runs what operators run), on a fresh
 * SQLite file or a fresh PostgreSQL database. BENCH_DIST=<dir> measures another build
 * (e.g. one of main, for before/after figures in one run).
 */
import type autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { mintToken } from '../../src/auth/identity.js';
import type { Secrets } from '../../src/config/secrets.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import { productionDir, ROOT, spawnServer, type Child } from './harness.js';

/** The build measured. */
export const DIST = resolve(process.env['BENCH_DIST'] ?? join(ROOT, 'dist'));

/** Node options of `npm start` in the measured build's package.json (`node <options> dist/main.js`). */
export function startOptions(): string[] {
  const pkg = JSON.parse(readFileSync(join(dirname(DIST), 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const start = /^node\s+(.*?)\s*dist\/main\.js/.exec(pkg.scripts['start'] ?? '')?.[1] ?? '';
  return start.split(/\s+/).filter(Boolean);
}

/** Secrets of every bench process. */
export const SECRETS = {
  auth_jwt_secret: randomBytes(32).toString('base64url'),
  signing_secret: randomBytes(32).toString('base64url'),
  token_encryption_key: randomBytes(32).toString('base64'),
} satisfies Secrets;

/** How many users the load rotates through (one token each). */
export const USERS = 50;
const tokens = Array.from({ length: USERS }, (_, i) =>
  mintToken(SECRETS.auth_jwt_secret, { org: 'bench', userId: String(i), role: 'member', ttlSeconds: 7200 }),
);

/** User 1's token (cookies, single-user runs; the Zoom simulator knows user1@bench.example). */
export const TOKEN = tokens[1] ?? '';

/** `POST /api/v1/calls` for autocannon, each request from the next of USERS users. */
export function callRequest(url: string): {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  setupRequest: (request: autocannon.Request) => autocannon.Request;
} {
  let next = 0;
  return {
    url: `${url}/api/v1/calls`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ is_video_call: true, meeting_name: 'bench' }),
    setupRequest: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % USERS] ?? ''}` },
    }),
  };
}

/** A running callgate and its database. */
export interface Callgate extends Child {
  pid: number;
  database: 'sqlite' | 'postgres';
  databaseUrl: string;
  /** Call records in the database (works after the process is gone). */
  countCalls(): Promise<number>;
  /** Stops the process (SIGTERM) and drops the database. */
  dispose(): Promise<void>;
}

/** Starts callgate on a fresh database; `databaseUrl` overrides where it connects (e.g. a proxy). */
export async function startCallgate(
  database: 'sqlite' | 'postgres',
  options: {
    env?: Record<string, string>;
    secrets?: Secrets;
    connectVia?: (url: string) => string;
    /** Node options added to those of `npm start` (e.g. --cpu-prof). */
    nodeOptions?: string[];
    /** Another build's dist/ directory (comparisons of variants in one run); DIST by default. */
    dist?: string;
  } = {},
): Promise<Callgate> {
  const cwd = productionDir({ ...SECRETS, ...options.secrets });
  const pgDatabase = database === 'postgres' ? await createTestDatabase() : null;
  const databaseUrl = pgDatabase?.url ?? `sqlite:${join(cwd, 'data', 'bench.sqlite')}`;
  const connectUrl = pgDatabase && options.connectVia ? options.connectVia(pgDatabase.url) : databaseUrl;
  const child = await spawnServer(
    [...startOptions(), ...(options.nodeOptions ?? []), join(options.dist ?? DIST, 'main.js')],
    {
      cwd,
      env: {
        PORT: '0',
        LOG_LEVEL: 'warn',
        JITSI_SERVER_URL: 'https://meet.example.org',
        // The limiter on, above what the bench's users reach (the config's maximum).
        CALLS_PER_MINUTE: '100000',
        DATABASE_URL: connectUrl,
        ...options.env,
      },
    },
  );
  const countCalls = async (): Promise<number> => {
    if (!pgDatabase) {
      const db = new Database(databaseUrl.slice('sqlite:'.length));
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: pgDatabase.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT COUNT(*) AS n FROM calls')).rows[0]?.n);
    } finally {
      await client.end();
    }
  };
  return {
    ...child,
    pid: child.process.pid ?? 0,
    database,
    databaseUrl,
    countCalls,
    async dispose() {
      if (child.process.exitCode === null && child.process.signalCode === null) await child.stop();
      await pgDatabase?.drop();
    },
  };
}

/** CPU time (user + system) a process has used, from /proc, in milliseconds. */
export function cpuMilliseconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process, from /proc, in MB. */
export function residentMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) / 1024;
}
