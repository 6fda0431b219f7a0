/**
 * `npm run bench`: measures the production build (dist/) against baselines in the same run,
 * prints a table and JSON, and writes BENCHMARKS.md. Sections can be chosen:
 *   npm run bench -- throughput roundtrips
 * BENCH_DIST=<other build>/dist measures another build (before/after); --no-write prints only.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { DIST, SECRETS, startOptions, TOKEN } from './bench/callgate.js';
import { ROOT } from './bench/harness.js';
import { benchGoogleMeet, benchMicrosoftTeams, type BenchContext } from './bench/meetingProviders.js';
import { profiles } from './bench/profile.js';
import { bigBlueButton, jitsiLatency, overSimulator, selectProvider, zoom } from './bench/providers.js';
import { json, rows, table } from './bench/report.js';
import { constructorGroups, nextcloudTalk, webex } from './bench/serviceProviders.js';
import { soak, startup } from './bench/soak.js';
import { crash, roundTrips, throughput } from './bench/throughput.js';

/** What the per-user OAuth providers' sections (scripts/bench/meetingProviders.ts) need from here. */
const meetingContext: BenchContext = {
  secrets: SECRETS,
  token: TOKEN,
  callRequest: {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ is_video_call: true, meeting_name: 'bench' }),
  },
  upstreamDelayMs: Number(process.env['BENCH_UPSTREAM_DELAY_MS'] ?? 20),
  selectProvider,
  addedLatency: (options) => overSimulator(options),
};

const SECTIONS: Record<string, () => Promise<void>> = {
  throughput,
  roundtrips: roundTrips,
  jitsi: jitsiLatency,
  zoom,
  webex,
  bbb: bigBlueButton,
  google_meet: async () => void (json['googleMeet'] = await benchGoogleMeet(meetingContext)),
  microsoft_teams: async () => void (json['microsoftTeams'] = await benchMicrosoftTeams(meetingContext)),
  nextcloud: nextcloudTalk,
  cgroups: constructorGroups,
  startup,
  soak,
  crash,
  profile: profiles,
};

const chosen = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
for (const name of chosen.length ? chosen : Object.keys(SECTIONS)) {
  const section = SECTIONS[name];
  if (!section) throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
  process.stderr.write(`bench: ${name}…\n`);
  try {
    await section();
  } catch (error) {
    // One failing section is reported in the table; the others still run.
    process.stderr.write(`bench: ${name} failed: ${String(error)}\n`);
    rows.push({ section: name, measure: 'FAILED', value: String(error).slice(0, 60) });
  }
}
if (rows.length === 0) process.exit(0);

const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
const options = startOptions();
const intro = [
  `Produced by \`npm run bench\` (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC) on ${machine}; build ${DIST.replace(ROOT, '')}, started as \`node ${[...options, 'dist/main.js'].join(' ')}\` (the \`npm start\` command).`,
  'Load generator autocannon, the simulators, PostgreSQL 127.0.0.1:5432 and callgate share the cores (the machine is shared with other jobs: compare ratios measured in one run, not absolute numbers across runs).',
  'Every `POST /api/v1/calls` load rotates through 50 users with CALLS_PER_MINUTE=100000, so the per-user limiter runs on every call without refusing any.',
].join('\n');

/** How to read the table; written into BENCHMARKS.md with it. */
const READING = [
  'Reading the figures:',
  '- throughput: best of the alternating rounds, 50 connections. The RATIO rows are the targets of issue 12: Express alone is an Express 5 endpoint answering the same JSON with no auth, no body parsing and no database. callgate serves its JSON API on node:http (src/http/api.ts), not through Express, so it can pass that baseline; node:http alone (reading and parsing the body, nothing else) is the ceiling.',
  '- round trips: PostgreSQL messages a client waits for (Query and Sync), counted on the wire by a proxy over a fixed number of calls, background writes included.',
  '- "p50 / p99 [simulator alone]": callgate\'s latency, and the same provider request sent straight at the simulator at the same concurrency. Once the cores saturate, both queue; the 1-client row is callgate\'s own overhead.',
  '- "CPU per call": callgate\'s user+system CPU time (from /proc) divided by calls.',
  '- crash: calls answered 200 whose record is not in the database after the process is killed in the middle of a load (records are written in batches; SIGTERM flushes them).',
].join('\n');

const profileLines = json['profiles'] as Record<string, string[]> | undefined;
const profileText = profileLines
  ? `\n\n## CPU profiles (top self time, POST /api/v1/calls, 50 connections)\n\n\`\`\`\n${Object.values(profileLines)
      .map((lines) => lines.join('\n'))
      .join('\n\n')}\n\`\`\`\n`
  : '';
const output = `${table()}${profileText}`;
process.stdout.write(`${output}\n\n${JSON.stringify(json, null, 2)}\n`);
const outArg = process.argv.find((arg) => arg.startsWith('--out='));
if (!process.argv.includes('--no-write')) {
  writeFileSync(
    outArg ? outArg.slice('--out='.length) : `${ROOT}BENCHMARKS.md`,
    `# Benchmarks\n\n${intro}\n\n${READING}\n\n${output}\n\n<details><summary>JSON</summary>\n\n\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\`\n</details>\n`,
  );
}
