/**
 * `npm run bench`: measures the production build (dist/) against baselines in the same run,
 * prints a table and JSON, and writes BENCHMARKS.md. Sections can be chosen:
 *   npm run bench -- jitsi
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mintToken } from '../src/auth/identity.js';
import { load, productionDir, ROOT, spawnServer, type LoadResult } from './bench/harness.js';

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

const SECTIONS: Record<string, () => Promise<void>> = { jitsi: jitsiThroughput };

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

if (!process.argv.includes('--no-write')) {
  const machine = `${process.version}, ${(await import('node:os')).cpus().length} cores`;
  writeFileSync(
    `${ROOT}BENCHMARKS.md`,
    `# Benchmarks\n\nProduced by \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, Node ${machine}; ${CONNECTIONS} connections, best of ${ROUNDS} × ${SECONDS} s rounds, load generator autocannon in the same machine).\nBaselines are measured in the same run; compare ratios, not absolute numbers, across machines.\n\n${header}\n${table}\n\n<details><summary>JSON</summary>\n\n\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\`\n</details>\n`,
  );
}
