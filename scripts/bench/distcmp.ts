/**
 * Compares variants of callgate — other builds (before/after) or other node options (how
 * src/heap.ts was chosen) — on SQLite or PostgreSQL against Express alone, in alternating
 * rounds of one run: resident memory after 20,000 warm-up calls, best req/s, CPU per call.
 *   DISTS='[["before","/old/dist"],["after","dist"],["semi8","dist",["--max-semi-space-size=8"]]]' R=3 S=4 \
 *     node --import tsx scripts/bench/distcmp.ts [sqlite|postgres]
 */
import { callRequest, cpuMilliseconds, residentMegabytes, startCallgate, type Callgate } from './callgate.js';
import { load, ROOT, spawnServer } from './harness.js';

const database = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const variants: Array<[string, string, string[]?]> = JSON.parse(process.env['DISTS'] ?? '[["main","dist"]]');
const bare = await spawnServer([`${ROOT}scripts/bench/bare-server.js`], { env: { BENCH_MODE: 'json' } });
const servers: Callgate[] = [];
for (const [, dist, nodeOptions] of variants) {
  servers.push(
    await startCallgate(database, { dist: dist.startsWith('/') ? dist : ROOT + dist, nodeOptions: nodeOptions ?? [] }),
  );
}
const targets = [
  { name: 'express', url: bare.url, pid: 0 },
  ...servers.map((s, i) => ({ name: variants[i]![0], url: s.url, pid: s.pid })),
];
const warmRss = new Map<string, string>();
for (const t of targets) {
  await load({ ...callRequest(t.url), connections: 50, amount: 20_000 });
  if (t.pid) warmRss.set(t.name, residentMegabytes(t.pid).toFixed(1));
}
const best = new Map<string, number>();
const cpu = new Map<string, number[]>();
for (let r = 0; r < Number(process.env['R'] ?? 3); r++)
  for (const t of targets) {
    const c0 = t.pid ? cpuMilliseconds(t.pid) : 0;
    const x = await load({ ...callRequest(t.url), connections: 50, seconds: Number(process.env['S'] ?? 4) });
    if (x.errors || x.non2xx) throw new Error(`${t.name}: failures`);
    best.set(t.name, Math.max(best.get(t.name) ?? 0, x.requestsPerSecond));
    if (t.pid) (cpu.get(t.name) ?? cpu.set(t.name, []).get(t.name)!).push((cpuMilliseconds(t.pid) - c0) / x.total);
  }
const base = best.get('express') ?? 1;
for (const t of targets)
  console.log(
    `${t.name.padEnd(14)} ${String(Math.round(best.get(t.name) ?? 0)).padStart(6)} req/s  ratio ${((best.get(t.name) ?? 0) / base).toFixed(2)}  cpu/call ${(cpu.get(t.name) ?? []).map((c) => c.toFixed(3)).join(' ')}${t.pid ? `  rss after 20k ${warmRss.get(t.name)} MB` : ''}`,
  );
await bare.stop();
await Promise.all(servers.map((s) => s.dispose()));
