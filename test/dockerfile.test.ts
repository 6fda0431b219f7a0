/**
 * The Dockerfile replayed without Docker (no engine runs on these machines): its build
 * stage's COPY and RUN instructions are carried out in an empty folder, its final stage's
 * COPY --from=build and ENV are applied to a second one, and that pruned tree is started
 * with the image's command and environment, in production mode, and asked for a call.
 * Only `apt-get` lines are skipped (the build tools are on this machine); `npm ci` runs
 * offline from the npm cache the CI run has just filled, so no test touches a network.
 */
import { describe, expect, test } from '@jest/globals';
import { execSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mintToken } from '../src/auth/identity.js';
import { formatSecrets } from '../src/config/secrets.js';
import { startService, ROOT } from './support/process.js';
import { TEST_SECRETS } from './support/app.js';

interface Stage {
  name: string | null;
  instructions: { op: string; args: string }[];
}

/** The Dockerfile's stages, with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op = '', args = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      stages.push({ name: /\bAS\s+(\S+)/i.exec(args)?.[1] ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

/** `COPY a b ./dest/` → sources and destination, relative to the context or stage folder. */
function copyArgs(args: string): { from: string | null; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? (words.shift() ?? '').slice('--from='.length) : null;
  const dest = words.pop() ?? '.';
  return { from, sources: words, dest };
}

function copyInto(fromDir: string, sources: string[], toDir: string, dest: string): void {
  for (const source of sources) {
    const target =
      dest.endsWith('/') || sources.length > 1
        ? join(toDir, dest, source.split('/').pop() ?? source)
        : join(toDir, dest);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(fromDir, source), target, { recursive: true });
  }
}

/** ENV lines as a record (`ENV A=1 B=2`). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { op, args } of stage.instructions) {
    if (op !== 'ENV') continue;
    for (const [, key = '', value = ''] of args.matchAll(/(\w+)=(\S+)/g)) env[key] = value;
  }
  return env;
}

describe('Dockerfile', () => {
  test('when its stages are replayed without Docker, then the pruned image tree starts in production mode and creates a call', async () => {
    const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const build = stages.find((stage) => stage.name === 'build');
    const final = stages.at(-1);
    if (!build || !final || final === build) throw new Error('expected a build stage and a final stage');

    const buildDir = mkdtempSync(join(tmpdir(), 'callgate-docker-build-'));
    for (const { op, args } of build.instructions) {
      if (op === 'COPY') {
        const { sources, dest } = copyArgs(args);
        copyInto(ROOT, sources, buildDir, dest);
      } else if (op === 'RUN' && !/apt-get/.test(args)) {
        execSync(args, {
          cwd: buildDir,
          stdio: 'pipe',
          env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
        });
      }
    }

    const imageDir = mkdtempSync(join(tmpdir(), 'callgate-docker-image-'));
    for (const { op, args } of final.instructions) {
      if (op !== 'COPY') continue;
      const { from, sources, dest } = copyArgs(args);
      if (from !== null && from !== 'build') throw new Error(`unexpected COPY --from=${from}`);
      // The build stage's WORKDIR is /app: its paths are relative to it here.
      copyInto(
        from === 'build' ? buildDir : ROOT,
        sources.map((source) => source.replace(/^\/app\//, '')),
        imageDir,
        dest,
      );
    }
    // What the image would not carry: dev dependencies and the sources.
    expect(() => readFileSync(join(imageDir, 'node_modules', 'typescript', 'package.json'))).toThrow();
    expect(() => readFileSync(join(imageDir, 'src', 'main.ts'))).toThrow();

    const secretsFile = join(imageDir, 'callgate.conf');
    writeFileSync(secretsFile, formatSecrets(TEST_SECRETS), { mode: 0o600 });
    const imageEnv = envOf(final);
    expect(imageEnv['NODE_ENV']).toBe('production');
    const service = await startService({
      cwd: imageDir,
      mainPath: join(imageDir, 'dist', 'main.js'),
      env: {
        ...imageEnv,
        // The image's own values would listen on every interface at 8080 and read /run/secrets.
        HOST: '127.0.0.1',
        PORT: '0',
        SECRETS_FILE: secretsFile,
        DATABASE_URL: `sqlite:${join(imageDir, 'callgate.sqlite')}`,
      },
    });
    try {
      expect(service.output()).toContain('(production mode)');
      const token = mintToken(TEST_SECRETS.auth_jwt_secret, { org: 'acme', userId: '1', role: 'member' });
      const res = await fetch(`${service.url}/api/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ result: 'success', provider: 'jitsi_meet' });
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  }, 600_000);
});
