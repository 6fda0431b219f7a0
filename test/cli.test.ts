/** The operator commands as an operator runs them: `--help`, and one line for every mistake. */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeListenError } from '../src/http/listenError.js';
import { ROOT } from './support/process.js';

/** Runs a built command in a fresh directory (local mode: no secrets file). */
function run(command: string, args: string[], env: Record<string, string> = {}): ReturnType<typeof spawnSync> {
  const cwd = mkdtempSync(join(tmpdir(), 'callgate-cli-'));
  return spawnSync(process.execPath, [`${ROOT}dist/cli/${command}.js`, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

const noStackTrace = (text: string): void => {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('node:internal');
};

describe('operator commands', () => {
  test.each(['token', 'checkConfig', 'reencrypt'])(
    'when %s is run with --help, then it prints its usage and exits 0',
    (command) => {
      const result = run(command, ['--help']);
      expect(result.status).toBe(0);
      expect(String(result.stdout)).toMatch(/^Usage: npm run /);
      expect(String(result.stderr)).toBe('');
    },
  );

  test.each([
    [['--org', 'acme', '--user', '1', '--ttl', '-5'], /^token: --ttl: a value starting with - must be joined with =/],
    [['--org', 'acme', '--user', '1', '--ttl=-5'], /^token: --ttl must be a whole number of seconds/],
    [['--org', 'acme', '--user', '1', '--ttl', 'soon'], /^token: --ttl must be a whole number of seconds/],
    [['--org', 'Acme_Corp', '--user', '1'], /^token: --org "Acme_Corp" is not an organization id/],
    [['--user', '1'], /^token: --org is required/],
    [['--org', 'acme'], /^token: --user is required/],
    [['--org', 'acme', '--user', '1', '--role', 'boss'], /^token: --role must be one of owner, admin, member, guest/],
    [['--org', 'acme', '--user', '1', '--colour', 'red'], /^token: Unknown option '--colour'/],
  ])('when token is given %j, then it says what is wrong in one line, without a stack trace', (args, message) => {
    const result = run('token', args);
    expect(result.status).toBe(2);
    const stderr = String(result.stderr);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(2);
    expect(stderr).toContain('npm run token -- --help');
    noStackTrace(stderr);
    expect(String(result.stdout)).toBe('');
  });

  test('when token is given good arguments in local mode, then it prints a JWT', () => {
    const result = run('token', ['--org', 'acme', '--user', '42', '--role', 'admin', '--ttl', '60']);
    expect(result.status).toBe(0);
    expect(String(result.stdout)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  test('when check-config runs in local mode, then it agrees with the running server: simulated providers are available', () => {
    const result = run('checkConfig', []);
    expect(result.status).toBe(0);
    const stdout = String(result.stdout);
    expect(stdout).toMatch(/^\s+zoom\s+available \(simulated in local mode\)$/m);
    expect(stdout).toMatch(/^\s+big_blue_button\s+available \(simulated in local mode\)$/m);
    expect(stdout).toMatch(/^\s+jitsi_meet\s+available$/m);
  });

  test('when the configuration is bad, then the command says which setting in one line and exits 1', () => {
    const result = run('checkConfig', [], { CALLS_PER_MINUTE: 'lots' });
    expect(result.status).toBe(1);
    const stderr = String(result.stderr);
    expect(stderr).toMatch(/^check-config: configuration error: CALLS_PER_MINUTE: must be an integer/);
    noStackTrace(stderr);
  });
});

describe('listening', () => {
  test('when the port is taken, then the real process says so and names PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'callgate-port-'));
      const result = spawnSync(process.execPath, [`${ROOT}dist/main.js`], {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(1);
      expect(String(result.stderr)).toContain(`127.0.0.1:${port} is already in use`);
      expect(String(result.stderr)).toContain('set PORT');
      noStackTrace(String(result.stderr));
    } finally {
      blocker.close();
    }
  });

  test('when HOST is not an address of this machine, then the message names HOST', () => {
    const error = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL' });
    expect(describeListenError(error, '192.0.2.1', 8080)).toMatch(/HOST is not an address of this machine/);
  });
});
