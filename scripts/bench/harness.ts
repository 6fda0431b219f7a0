/** Helpers of `npm run bench`: child processes, autocannon runs, latency percentiles. */
import autocannon from 'autocannon';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSecrets, type Secrets } from '../../src/config/secrets.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A server child process. */
export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a node script and waits for a line announcing its port or URL. */
export function spawnServer(args: string[], options: { cwd?: string; env?: Record<string, string> }): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? /listening (\d+)/.exec(output)?.[1];
      if (!url) return;
      resolve({
        url: url.startsWith('http') ? url : `http://127.0.0.1:${url}`,
        process: child,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

/** Writes a production secrets file in a fresh directory; returns the directory. */
export function productionDir(secrets: Secrets): string {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-bench-'));
  const file = join(dir, 'secrets.conf');
  writeFileSync(file, formatSecrets(secrets));
  chmodSync(file, 0o600);
  return dir;
}

/** Result of one load run. */
export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Responses with a 2xx status. */
  ok: number;
  /** Requests answered. */
  total: number;
}

/** Runs autocannon against one request for `seconds`. */
export async function load(options: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds?: number;
  amount?: number;
  /** Rewrites each request before it is sent (e.g. to rotate users). */
  setupRequest?: (request: autocannon.Request) => autocannon.Request;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest }] } : {}),
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    ok: result['2xx'],
    total: result.requests.total,
  };
}

/** Percentile of a sample (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** A simulator in its own process (scripts/bench/sim-server.js). */
export interface SimChild {
  url: string;
  stats(): Promise<Record<string, number>>;
  reset(): void;
  stop(): Promise<void>;
}

/** Forks a simulator process and waits for its URL. */
export function forkSimulator(args: string[]): Promise<SimChild> {
  const child = fork(`${ROOT}scripts/bench/sim-server.js`, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    child.once('message', (message) => {
      const { url } = message as { url: string };
      resolve({
        url,
        stats: () =>
          new Promise((done) => {
            child.once('message', (stats) => done(stats as Record<string, number>));
            child.send('stats');
          }),
        reset: () => child.send('reset'),
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
