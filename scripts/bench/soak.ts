/** Resident memory over a 200,000-call soak, and start-up time to /readyz. */
import { createTestDatabase } from '../../test/support/postgres.js';
import { callRequest, DIST, residentMegabytes, SECRETS, startCallgate, startOptions } from './callgate.js';
import { load, productionDir, spawnServer } from './harness.js';
import { json, row } from './report.js';

/**
 * Resident memory every 10,000 calls up to BENCH_SOAK_CALLS (200,000), 50 connections:
 * the figure after 20,000 calls, and the spread once warm (from 40,000 on).
 */
export async function soak(): Promise<void> {
  const total = Number(process.env['BENCH_SOAK_CALLS'] ?? 200_000);
  const step = 10_000;
  const out: Record<string, unknown> = {};
  for (const database of (process.env['BENCH_SOAK_DATABASES'] ?? 'sqlite,postgres').split(',') as Array<
    'sqlite' | 'postgres'
  >) {
    const callgate = await startCallgate(database);
    try {
      const samples: Array<{ calls: number; rssMb: number }> = [{ calls: 0, rssMb: residentMegabytes(callgate.pid) }];
      for (let calls = step; calls <= total; calls += step) {
        const result = await load({ ...callRequest(callgate.url), connections: 50, amount: step });
        if (result.errors || result.non2xx) throw new Error(`soak run had failures: ${JSON.stringify(result)}`);
        samples.push({ calls, rssMb: residentMegabytes(callgate.pid) });
      }
      const warm = samples.filter((s) => s.calls >= 40_000).map((s) => s.rssMb);
      const at = (calls: number): string => samples.find((s) => s.calls === calls)?.rssMb.toFixed(1) ?? 'n/a';
      const tag = database === 'sqlite' ? 'soak-sq' : 'soak-pg';
      row(tag, 'resident memory at start (MB)', at(0));
      row(tag, 'resident memory after 20,000 calls (MB, target <= 120)', at(20_000));
      row(tag, `resident memory after ${total.toLocaleString('en')} calls (MB)`, at(total));
      if (warm.length) {
        row(
          tag,
          'resident memory from 40,000 calls on: min / max (MB)',
          `${Math.min(...warm).toFixed(1)} / ${Math.max(...warm).toFixed(1)}`,
        );
      }
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
