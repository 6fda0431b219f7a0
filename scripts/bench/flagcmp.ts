/**
 * Compares node/V8 heap options on callgate (SQLite): resident memory after 20,000 calls and
 * req/s with CPU per call over alternating rounds. How src/heap.ts was chosen:
 *   VARIANTS='[["default",["--heap-growing-percent=0"]],["semi8",["--max-semi-space-size=8"]]]' R=5 node --import tsx scripts/bench/flagcmp.ts
 */
import { callRequest, cpuMilliseconds, residentMegabytes, startCallgate, type Callgate } from './callgate.js';
import { load } from './harness.js';
const variants: Array<[string, string[]]> = JSON.parse(process.env.VARIANTS ?? '[]');
const servers: Callgate[] = [];
for (const [, flags] of variants) servers.push(await startCallgate('sqlite', { nodeOptions: flags }));
const res: Record<string, string[]> = {};
for (const s of servers) await load({ ...callRequest(s.url), connections: 50, amount: 20000 });
for (let i = 0; i < servers.length; i++)
  (res[variants[i]![0]] ??= []).push(`rss@20k ${residentMegabytes(servers[i]!.pid).toFixed(1)}`);
for (let r = 0; r < Number(process.env.R ?? 3); r++)
  for (let i = 0; i < servers.length; i++) {
    const s = servers[i]!;
    const c0 = cpuMilliseconds(s.pid);
    const x = await load({ ...callRequest(s.url), connections: 50, seconds: 3 });
    (res[variants[i]![0]] ??= []).push(
      `${x.requestsPerSecond.toFixed(0)}/${((cpuMilliseconds(s.pid) - c0) / x.total).toFixed(3)}`,
    );
  }
for (let i = 0; i < servers.length; i++)
  res[variants[i]![0]]!.push(`rss ${residentMegabytes(servers[i]!.pid).toFixed(1)}`);
console.log(res);
await Promise.all(servers.map((s) => s.dispose()));
