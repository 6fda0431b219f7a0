/**
 * Issue 11, items 3, 5 and 10 on the real process (`dist/main.js`): secrets are read
 * verbatim, local mode stays on loopback and keeps its files private, a private key is
 * refused as the host's public key, and the local Zoom simulator sends codes only to
 * callgate's own redirect URL (SPEC §8, §9).
 */
import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/auth/identity.js';
import { parseSecrets } from '../src/config/secrets.js';
import { startService } from './support/process.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'callgate-security-'));
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** The outcome of a start that is expected to fail; a service that starts anyway is stopped. */
async function refusal(options: Parameters<typeof startService>[0]): Promise<{ code: number; output: string }> {
  return startService(options).then(
    async (service) => {
      await service.stop();
      return { code: 0, output: service.output() };
    },
    (error: unknown) => error as { code: number; output: string },
  );
}

describe('secrets are read verbatim', () => {
  test('when a secret contains ; or #, then the whole value is the secret and only line-start comments are comments', async () => {
    const cwd = fresh();
    const jwtSecret = `${'k'.repeat(32)};${randomBytes(24).toString('hex')}`;
    const signing = `${'s'.repeat(20)}#${'t'.repeat(20)}`;
    writeFileSync(
      join(cwd, 'secrets.conf'),
      [
        '; a comment',
        '# another',
        '[secrets]',
        `auth_jwt_secret = ${jwtSecret}  `,
        `signing_secret=${signing}`,
        `  ; indented comment`,
        `token_encryption_key = ${randomBytes(32).toString('base64')}`,
        '',
      ].join('\n'),
    );
    chmodSync(join(cwd, 'secrets.conf'), 0o600);
    const service = await startService({ cwd });
    try {
      const get = (secret: string) =>
        fetch(`${service.url}/api/v1/providers`, {
          headers: { authorization: `Bearer ${mintToken(secret, { org: 'acme', userId: '1', role: 'member' })}` },
        });
      expect((await get(jwtSecret)).status).toBe(200);
      // What an inline-comment parser would have kept: now refused.
      expect((await get(jwtSecret.split(';')[0] ?? '')).status).toBe(401);
    } finally {
      await service.stop();
    }
  });
});

describe('local mode on loopback only', () => {
  test.each(['0.0.0.0', '::', '192.168.1.10'])(
    'when HOST=%s without a secrets file, then start-up stops with one line saying why',
    async (host) => {
      const result = await refusal({ cwd: fresh(), env: { HOST: host } });
      expect(result.code).toBe(1);
      expect(result.output.trim().split('\n')).toHaveLength(1);
      expect(result.output).toMatch(/^callgate: configuration error: HOST: local mode listens on loopback only/);
    },
  );
});

describe('hygiene', () => {
  test('when local mode runs, then its data directory is 0700 and its database and secrets 0600, old ones included', async () => {
    const cwd = fresh();
    const data = join(cwd, 'data');
    const files = ['callgate.sqlite', 'callgate.sqlite-wal', 'callgate.sqlite-shm', 'local-secrets.conf'];
    const write = async (url: string): Promise<void> => {
      const secrets = parseSecrets(readFileSync(join(data, 'local-secrets.conf'), 'utf8'), 'local');
      const admin = mintToken(secrets.auth_jwt_secret ?? '', { org: 'acme', userId: '1', role: 'admin' });
      const res = await fetch(`${url}/api/v1/orgs/acme/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ video_chat_provider: 'disabled' }),
      });
      expect(res.status).toBe(200);
    };
    let service = await startService({ cwd });
    try {
      await write(service.url);
      expect(mode(data)).toBe('700');
      for (const file of files) expect({ file, mode: mode(join(data, file)) }).toEqual({ file, mode: '600' });
    } finally {
      await service.stop();
    }
    // As an earlier version left them: readable by everyone.
    chmodSync(data, 0o755);
    for (const file of ['callgate.sqlite']) chmodSync(join(data, file), 0o644);
    service = await startService({ cwd });
    try {
      await write(service.url);
      expect(mode(data)).toBe('700');
      for (const file of files) expect({ file, mode: mode(join(data, file)) }).toEqual({ file, mode: '600' });
    } finally {
      await service.stop();
    }
  });

  test('when AUTH_JWT_PUBLIC_KEY_FILE holds a private key, then start-up stops with one line', async () => {
    const cwd = fresh();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(cwd, 'host.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(
      join(cwd, 'secrets.conf'),
      `[secrets]\nsigning_secret = ${'b'.repeat(40)}\ntoken_encryption_key = ${randomBytes(32).toString('base64')}\n`,
    );
    chmodSync(join(cwd, 'secrets.conf'), 0o600);
    const result = await refusal({ cwd, env: { AUTH_JWT_PUBLIC_KEY_FILE: 'host.pem' } });
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toMatch(/^callgate: configuration error: AUTH_JWT_PUBLIC_KEY_FILE: .* holds a private key/);
  });

  test("when the local Zoom simulator is asked to send a code elsewhere, then it refuses; callgate's own redirect URL works", async () => {
    const service = await startService({ cwd: fresh() });
    try {
      const authorize = (redirectUri: string, init: RequestInit = {}) => {
        const query = new URLSearchParams({
          response_type: 'code',
          client_id: 'callgate-local',
          redirect_uri: redirectUri,
          state: 'state-1',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        });
        return fetch(`${service.url}/_simulators/zoom/oauth/authorize?${query.toString()}`, {
          redirect: 'manual',
          ...init,
        });
      };
      const allow = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      for (const elsewhere of ['https://attacker.example/steal', `${service.url}/calls/zoom/complete/../../evil`]) {
        expect((await authorize(elsewhere)).status).toBe(400);
        const posted = await authorize(elsewhere, { ...allow, body: 'decision=allow' });
        expect(posted.status).toBe(400);
        expect(posted.headers.get('location')).toBeNull();
      }
      const own = `${service.url}/calls/zoom/complete`;
      expect((await authorize(own)).status).toBe(200);
      const allowed = await authorize(own, { ...allow, body: 'decision=allow' });
      expect(allowed.status).toBe(302);
      expect(allowed.headers.get('location')?.startsWith(`${own}?`)).toBe(true);
    } finally {
      await service.stop();
    }
  });
});
