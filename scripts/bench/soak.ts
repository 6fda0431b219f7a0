/** Resident memory over a 200,000-call soak, and start-up time to /readyz. */
import { createTestDatabase } from '../../test/support/postgres.js';
import { callRequest, DIST, residentMegabytes, SECRETS, startCallgate, startOptions } from './callgate.js';
import { load, productionDir, spawnServer } from './harness.js';
import { json, row } from './report.js';

/** The live JavaScript heap (prom-client's heap-used gauge), in MB. */
async function heapUsedMegabytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^callgate_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN) / 1e6;
}

/**
 * Resident memory every 10,000 calls up to BENCH_SOAK_CALLS (500,000), 50 connections: the
 * figure after 20,000 calls, every 100,000 calls (V8 keeps raising its old-generation limit
 * for a few hundred thousand calls before it settles), and the live heap at the same points,
 * which shows whether anything is kept.
 */
export async function soak(): Promise<void> {
  const total = Number(process.env['BENCH_SOAK_CALLS'] ?? 500_000);
  const step = 10_000;
  const out: Record<string, unknown> = {};
  for (const database of (process.env['BENCH_SOAK_DATABASES'] ?? 'sqlite,postgres').split(',') as Array<
    'sqlite' | 'postgres'
  >) {
    const callgate = await startCallgate(database);
    try {
      const sample = async (calls: number) => ({
        calls,
        rssMb: residentMegabytes(callgate.pid),
        heapUsedMb: await heapUsedMegabytes(callgate.url),
      });
      const samples = [await sample(0)];
      for (let calls = step; calls <= total; calls += step) {
        const result = await load({ ...callRequest(callgate.url), connections: 50, amount: step });
        if (result.errors || result.non2xx) throw new Error(`soak run had failures: ${JSON.stringify(result)}`);
        samples.push(await sample(calls));
      }
      const at = (calls: number): string => samples.find((s) => s.calls === calls)?.rssMb.toFixed(1) ?? 'n/a';
      const hundreds = samples.filter((s) => s.calls > 0 && s.calls % 100_000 === 0);
      const tag = database === 'sqlite' ? 'soak-sq' : 'soak-pg';
      row(tag, 'resident memory at start (MB)', at(0));
      row(tag, 'resident memory after 20,000 calls (MB, target <= 120)', at(20_000));
      row(tag, 'resident memory every 100,000 calls (MB)', hundreds.map((s) => s.rssMb.toFixed(1)).join(' / '));
      row(tag, 'live JS heap every 100,000 calls (MB)', hundreds.map((s) => s.heapUsedMb.toFixed(1)).join(' / '));
      out[database] = samples;
    } finally {
      await callgate.dispose();
    }
  }
  json['soak'] = out;
}

/** Time from spawning the process to the first 200 from /readyz (median of 3), on each database. */
export async function startup(): Promise<void> {
  const measure = async (databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const database = await databaseUrl();
      const started = performance.now();
      const callgate = await spawnServer([...startOptions(), `${DIST}/main.js`], {
        cwd: productionDir(SECRETS),
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
  row('startup', 'spawn to /readyz, SQLite, fresh database (ms)', sqlite.toFixed(0));
  row('startup', 'spawn to /readyz, PostgreSQL, fresh database (ms)', postgres.toFixed(0));
  json['startup'] = { sqliteMs: sqlite, postgresMs: postgres };
}
