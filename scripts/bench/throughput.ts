/**
 * The figures of issue 12: callgate's req/s on SQLite and on PostgreSQL against Express
 * alone answering the same JSON, measured in alternating rounds of one run; CPU time per
 * call; database round trips per call; how many call records SIGTERM and SIGKILL lose.
 */
import { callRequest, cpuMilliseconds, startCallgate, type Callgate } from './callgate.js';
import { load, ROOT, spawnServer, type Child, type LoadResult } from './harness.js';
import { startPgCountingProxy, throughProxy } from './pgCount.js';
import { json, row } from './report.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

/** A server measured in the throughput rounds. */
interface Contender {
  name: string;
  url: string;
  /** callgate's process, for its CPU time. */
  pid?: number;
  results: Array<LoadResult & { cpuPerCallMs?: number }>;
}

function bare(mode: 'json' | 'parse' | 'node'): Promise<Child> {
  return spawnServer([`${ROOT}scripts/bench/bare-server.js`], { env: { BENCH_MODE: mode } });
}

/** Express alone vs callgate on SQLite and on PostgreSQL, 50 connections, best of ROUNDS rounds each. */
export async function throughput(): Promise<void> {
  const servers: Array<Child | Callgate> = [];
  try {
    const bareJson = await bare('json');
    servers.push(bareJson);
    const bareParse = await bare('parse');
    servers.push(bareParse);
    const bareNode = await bare('node');
    servers.push(bareNode);
    const sqlite = await startCallgate('sqlite');
    servers.push(sqlite);
    const postgres = await startCallgate('postgres');
    servers.push(postgres);
    const contenders: Contender[] = [
      { name: 'Express alone (same JSON, no auth, no DB)', url: bareJson.url, results: [] },
      { name: 'Express alone + express.json() body parsing', url: bareParse.url, results: [] },
      { name: 'node:http alone + body parsing', url: bareNode.url, results: [] },
      { name: 'callgate, SQLite', url: sqlite.url, pid: sqlite.pid, results: [] },
      { name: 'callgate, PostgreSQL', url: postgres.url, pid: postgres.pid, results: [] },
    ];
    for (const contender of contenders) {
      await load({ ...callRequest(contender.url), connections: CONNECTIONS, seconds: 2 });
    }
    // Alternating rounds, so a neighbour's burst of CPU use hits every contender alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const contender of contenders) {
        const cpuBefore = contender.pid ? cpuMilliseconds(contender.pid) : 0;
        const result = await load({ ...callRequest(contender.url), connections: CONNECTIONS, seconds: SECONDS });
        if (result.errors || result.non2xx) throw new Error(`${contender.name}: failures ${JSON.stringify(result)}`);
        const cpuPerCallMs = contender.pid ? (cpuMilliseconds(contender.pid) - cpuBefore) / result.total : undefined;
        contender.results.push({ ...result, ...(cpuPerCallMs === undefined ? {} : { cpuPerCallMs }) });
      }
    }
    const best = contenders.map((c) => c.results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a)));
    const [json0, parse0, node0, sqlite0, postgres0] = best as [
      LoadResult,
      LoadResult,
      LoadResult,
      LoadResult,
      LoadResult,
    ];
    contenders.forEach((contender, i) => {
      const result = best[i] as LoadResult;
      row('throughput', `${contender.name} (req/s)`, result.requestsPerSecond.toFixed(0));
    });
    const ratioSqlite = sqlite0.requestsPerSecond / json0.requestsPerSecond;
    const ratioPostgres = postgres0.requestsPerSecond / json0.requestsPerSecond;
    row('throughput', 'RATIO callgate SQLite / Express alone (target >= 0.7)', ratioSqlite.toFixed(2));
    row('throughput', 'RATIO callgate PostgreSQL / Express alone (target >= 0.5)', ratioPostgres.toFixed(2));
    row(
      'throughput',
      'ratios against Express + body parsing (SQLite / PostgreSQL)',
      `${(sqlite0.requestsPerSecond / parse0.requestsPerSecond).toFixed(2)} / ${(postgres0.requestsPerSecond / parse0.requestsPerSecond).toFixed(2)}`,
    );
    row(
      'throughput',
      'ratios against node:http alone + body parsing (SQLite / PostgreSQL)',
      `${(sqlite0.requestsPerSecond / node0.requestsPerSecond).toFixed(2)} / ${(postgres0.requestsPerSecond / node0.requestsPerSecond).toFixed(2)}`,
    );
    for (const contender of contenders.slice(3)) {
      const cpu = contender.results.map((r) => r.cpuPerCallMs ?? NaN);
      row('throughput', `${contender.name}: CPU per call (ms, median of rounds)`, median(cpu).toFixed(3));
    }
    json['throughput'] = {
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      contenders: contenders.map((c) => ({ name: c.name, results: c.results })),
      ratioSqlite,
      ratioPostgres,
    };
  } finally {
    await Promise.all(servers.map((server) => ('dispose' in server ? server.dispose() : server.stop())));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Reads one counter from /metrics (summed over labels), or null when the build has none. */
async function metric(url: string, name: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

/**
 * PostgreSQL round trips per call, counted on the wire by a proxy (every Query and Sync
 * message) over a fixed number of calls, background flushes included; and the batches
 * the call-record writer reports on each database.
 */
export async function roundTrips(): Promise<void> {
  const calls = Number(process.env['BENCH_ROUND_TRIP_CALLS'] ?? 10_000);
  const proxy = await startPgCountingProxy({ host: '127.0.0.1', port: 5432 });
  const results: Record<string, unknown> = {};
  try {
    for (const database of ['postgres', 'sqlite'] as const) {
      const callgate = await startCallgate(database, {
        ...(database === 'postgres' ? { connectVia: (url: string) => throughProxy(url, proxy.port) } : {}),
      });
      try {
        await load({ ...callRequest(callgate.url), connections: CONNECTIONS, amount: 1000 });
        await new Promise((resolve) => setTimeout(resolve, 1000));
        proxy.reset();
        const batchesBefore = await metric(callgate.url, 'callgate_call_record_batches_total');
        const result = await load({ ...callRequest(callgate.url), connections: CONNECTIONS, amount: calls });
        if (result.errors || result.non2xx) throw new Error(`round-trip run had failures: ${JSON.stringify(result)}`);
        // Let the last batch and reconciliation go out; they are part of the calls' cost.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const batches = await metric(callgate.url, 'callgate_call_record_batches_total');
        const perCall = batches === null || batchesBefore === null ? null : (batches - batchesBefore) / calls;
        if (database === 'postgres') {
          const trips = proxy.roundTrips();
          row(
            'round trips',
            `PostgreSQL round trips per call (${calls} calls, background included)`,
            (trips / calls).toFixed(3),
          );
          results['postgres'] = { calls, roundTrips: trips, batchesPerCall: perCall };
        } else {
          results['sqlite'] = { calls, batchesPerCall: perCall };
        }
        row('round trips', `${database}: call-record batches per call`, perCall === null ? 'n/a' : perCall.toFixed(3));
      } finally {
        await callgate.dispose();
      }
    }
  } finally {
    await proxy.close();
  }
  json['roundTrips'] = results;
}

/**
 * Call records a crash loses: load for a while, kill the process (SIGKILL, or SIGTERM for
 * the clean case) in the middle, then compare the calls answered 200 with the rows written.
 */
export async function crash(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const database of ['sqlite', 'postgres'] as const) {
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      const losses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const callgate = await startCallgate(database);
        try {
          await load({ ...callRequest(callgate.url), connections: CONNECTIONS, amount: 500 });
          const running = load({ ...callRequest(callgate.url), connections: CONNECTIONS, seconds: 3 });
          await new Promise((resolve) => setTimeout(resolve, 1500));
          const exited = new Promise((resolve) => callgate.process.once('exit', resolve));
          callgate.process.kill(signal);
          const result = await running;
          await exited;
          const answered = result.ok + 500;
          losses.push(Math.max(0, answered - (await callgate.countCalls())));
        } finally {
          await callgate.dispose();
        }
      }
      results[`${database}-${signal}`] = losses;
      row('crash', `${database}: call records lost at ${signal} under load (3 tries)`, losses.join(', '));
    }
  }
  json['crash'] = results;
}
