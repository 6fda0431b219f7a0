/**
 * CPU profile of `POST /api/v1/calls` (Jitsi, 50 connections, 50 users) on the measured
 * build: runs it under `node --cpu-prof`, loads it with autocannon, stops it with SIGTERM
 * (the profile is written at exit) and lists the top functions by self time.
 * Alone: node --import tsx scripts/bench/profile.ts sqlite|postgres [seconds]
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callRequest, startCallgate } from './callgate.js';
import { load, ROOT } from './harness.js';
import { json } from './report.js';

/** One node of a V8 .cpuprofile. */
interface ProfileNode {
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
    const file = frame.url
      .replace(/^file:\/\//, '')
      .replace(ROOT, '')
      .replace(/^.*node_modules\//, '');
    const key = `${frame.functionName || '(anonymous)'}  ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** Profiles one database; returns the req/s line and the summary lines. */
export async function profileCalls(database: 'sqlite' | 'postgres', seconds = 10): Promise<string[]> {
  const profileDir = mkdtempSync(join(tmpdir(), 'callgate-prof-'));
  const callgate = await startCallgate(database, { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
  let rate: number;
  try {
    const result = await load({ ...callRequest(callgate.url), connections: 50, seconds });
    if (result.errors || result.non2xx) throw new Error(`profile run had failures: ${JSON.stringify(result)}`);
    rate = result.requestsPerSecond;
  } finally {
    await callgate.dispose();
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  return [`${database}, ${rate.toFixed(0)} req/s under the profiler:`, ...topSelfTime(join(profileDir, file))];
}

/** The `profile` section: top functions on both databases, kept in the JSON and printed. */
export async function profiles(): Promise<void> {
  const out: Record<string, string[]> = {};
  for (const database of ['sqlite', 'postgres'] as const) {
    out[database] = await profileCalls(database, Number(process.env['BENCH_PROFILE_SECONDS'] ?? 10));
    process.stderr.write(`${(out[database] ?? []).join('\n')}\n`);
  }
  json['profiles'] = out;
}

if (process.argv[1]?.endsWith('profile.ts')) {
  const which = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
  const lines = await profileCalls(which, Number(process.argv[3] ?? 10));
  process.stdout.write(`${lines.join('\n')}\n`);
}
