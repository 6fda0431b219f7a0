/** The real process: local mode on a fresh checkout, and start-up refusals (SPEC §7, §8). */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/auth/identity.js';
import { parseSecrets } from '../src/config/secrets.js';
import { execFileSync } from 'node:child_process';
import { createIdentityVerifier } from '../src/auth/identity.js';
import { ROOT, startService } from './support/process.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'callgate-start-'));

describe('npm start', () => {
  test('when there is no secrets file, then local mode starts, warns loudly, and serves Jitsi and simulated BigBlueButton calls', async () => {
    const cwd = fresh();
    const service = await startService({ cwd });
    try {
      expect(service.output()).toMatch(/LOCAL MODE.*NOT FOR PRODUCTION/);
      const secrets = parseSecrets(readFileSync(join(cwd, 'data', 'local-secrets.conf'), 'utf8'), 'local');
      const token = mintToken(secrets.auth_jwt_secret ?? '', { org: 'acme', userId: '1', role: 'member' });
      const res = await fetch(`${service.url}/api/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ result: 'success', provider: 'jitsi_meet' });
      expect(String(body['url'])).toMatch(/^https:\/\/meet\.jit\.si\/[a-z0-9]{20}#config\.startWithVideoMuted=false$/);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);

      // BigBlueButton has no real settings here, so the in-process simulator serves it.
      const admin = mintToken(secrets.auth_jwt_secret ?? '', { org: 'acme', userId: '1', role: 'admin', name: 'Ada' });
      const patched = await fetch(`${service.url}/api/v1/orgs/acme/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ video_chat_provider: 'big_blue_button' }),
      });
      expect(patched.status).toBe(200);
      const call = (await (
        await fetch(`${service.url}/api/v1/calls`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })
      ).json()) as { url: string };
      expect(call.url.startsWith(`${service.url}/calls/bigbluebutton/join?bigbluebutton=`)).toBe(true);
      const joined = await fetch(call.url, { headers: { cookie: `callgate_session=${admin}` }, redirect: 'manual' });
      expect(joined.status).toBe(302);
      const location = joined.headers.get('location') ?? '';
      expect(location.startsWith(`${service.url}/_simulators/bigbluebutton/api/join?`)).toBe(true);
      const page = await (await fetch(location)).text();
      expect(page).toContain('MODERATOR');
      expect(page).toContain('Ada');

      // Zoom too: the OAuth popup against the simulator, then a meeting.
      const zoomAdmin = await fetch(`${service.url}/api/v1/orgs/acme/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ video_chat_provider: 'zoom' }),
      });
      expect(zoomAdmin.status).toBe(200);
      const refused = await fetch(`${service.url}/api/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
      });
      const refusal = (await refused.json()) as { code: string; authorize_url: string };
      expect(refusal).toMatchObject({
        code: 'PROVIDER_AUTHORIZATION_REQUIRED',
        authorize_url: `${service.url}/calls/zoom/register`,
      });
      const cookie = { cookie: `callgate_session=${admin}` };
      const register = await fetch(refusal.authorize_url, { headers: cookie, redirect: 'manual' });
      const authorize = register.headers.get('location') ?? '';
      expect(authorize.startsWith(`${service.url}/_simulators/zoom/oauth/authorize?`)).toBe(true);
      expect(await (await fetch(authorize)).text()).toMatch(/Allow/);
      const allowed = await fetch(authorize, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'decision=allow',
        redirect: 'manual',
      });
      const complete = allowed.headers.get('location') ?? '';
      expect(complete.startsWith(`${service.url}/calls/zoom/complete?`)).toBe(true);
      expect((await fetch(complete, { headers: cookie })).status).toBe(200);
      const zoomCall = (await (
        await fetch(`${service.url}/api/v1/calls`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })
      ).json()) as { provider: string; url: string };
      expect(zoomCall.provider).toBe('zoom');
      expect((await fetch(zoomCall.url)).status).toBe(200);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });

  test('when NODE_ENV=production and there is no secrets file, then it refuses to start with one line', async () => {
    const error = (await startService({ cwd: fresh(), env: { NODE_ENV: 'production' } }).catch((e: unknown) => e)) as {
      code: number;
      output: string;
    };
    expect(error.code).toBe(1);
    expect(error.output.trim().split('\n')).toHaveLength(1);
    expect(error.output).toMatch(/refuses to run with NODE_ENV=production/);
  });

  test('when the secrets file has a bad value, then start-up stops with one line naming it', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'secrets.conf'), '[secrets]\nauth_jwt_secret = short\n');
    chmodSync(join(cwd, 'secrets.conf'), 0o600);
    const error = (await startService({ cwd }).catch((e: unknown) => e)) as { code: number; output: string };
    expect(error.code).toBe(1);
    expect(error.output.trim()).toBe('callgate: configuration error: auth_jwt_secret: must be at least 32 characters');
  });

  test('when a valid secrets file exists, then production mode starts without the local-mode warning', async () => {
    const cwd = fresh();
    writeFileSync(
      join(cwd, 'secrets.conf'),
      `[secrets]\nauth_jwt_secret = ${'a'.repeat(40)}\nsigning_secret = ${'b'.repeat(40)}\ntoken_encryption_key = ${Buffer.alloc(32, 3).toString('base64')}\n`,
    );
    chmodSync(join(cwd, 'secrets.conf'), 0o600);
    const service = await startService({ cwd });
    try {
      expect(service.output()).toContain('(production mode)');
      expect(service.output()).not.toMatch(/LOCAL MODE/);
    } finally {
      await service.stop();
    }
  });
});

describe('operator CLI', () => {
  test('when a token is minted with the CLI, then the configured secret verifies it with the asked claims', () => {
    const cwd = fresh();
    const run = (script: string, args: string[]): string =>
      execFileSync(process.execPath, [`${ROOT}dist/cli/${script}.js`, ...args], {
        cwd,
        env: { PATH: process.env['PATH'] ?? '' },
      }).toString();
    const token = run('token', ['--org', 'acme', '--user', '42', '--role', 'admin', '--name', 'Ada']).trim();
    const secrets = parseSecrets(readFileSync(join(cwd, 'data', 'local-secrets.conf'), 'utf8'), 'local');
    const verifier = createIdentityVerifier({
      jwtSecret: secrets.auth_jwt_secret ?? '',
      jwtPublicKey: null,
      audience: 'callgate',
      issuer: null,
    });
    expect(verifier.verify(token)).toMatchObject({ org: 'acme', userId: '42', role: 'admin', name: 'Ada' });
    expect(run('checkConfig', [])).toMatch(/jitsi_meet\s+available[\s\S]*configuration OK/);
  });

  test('when the CLI gets a bad role, then it exits 2 with a message', () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [`${ROOT}dist/cli/token.js`, '--org', 'acme', '--user', '1', '--role', 'root'], {
        cwd: fresh(),
        stdio: 'pipe',
      });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
