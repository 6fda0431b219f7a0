import { describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeBigBlueButtonUrl } from '../providers/bigbluebutton/settings.js';
import { buildConfig, ConfigError, loadConfig } from './index.js';
import { parseSecrets } from './secrets.js';
import { parseServerUrl } from './urls.js';

const secrets = {
  auth_jwt_secret: 'a'.repeat(32),
  signing_secret: 'b'.repeat(32),
  token_encryption_key: Buffer.alloc(32, 7).toString('base64'),
};

describe('buildConfig', () => {
  test('when only the required secrets are set, then the SPEC defaults apply', () => {
    const config = buildConfig({ env: {}, secrets });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:8080',
      upstreamTimeoutMs: 5000,
      auth: { audience: 'callgate', issuer: null },
      jitsi: { serverUrl: 'https://meet.jit.si', jwt: null, jaas: null },
      zoom: { apiUrl: 'https://api.zoom.us', oauthUrl: 'https://zoom.us', clientId: null },
      bigBlueButton: { url: null, checksumAlgorithm: 'sha256' },
    });
    expect(config.databaseUrl).toMatch(/^sqlite:\/.*data\/callgate\.sqlite$/);
  });

  test('when JITSI_SERVER_URL is empty, then Jitsi is disabled server-wide', () => {
    expect(buildConfig({ env: { JITSI_SERVER_URL: '' }, secrets }).jitsi.serverUrl).toBeNull();
  });

  test.each([
    [{ env: {}, secrets: { ...secrets, auth_jwt_secret: undefined } }, /^auth_jwt_secret: missing/],
    [{ env: {}, secrets: { ...secrets, auth_jwt_secret: 'short' } }, /^auth_jwt_secret: must be at least 32/],
    [{ env: {}, secrets: { ...secrets, signing_secret: undefined } }, /^signing_secret: missing/],
    [{ env: {}, secrets: { ...secrets, token_encryption_key: 'abc' } }, /^token_encryption_key: must be 32 bytes/],
    [{ env: {}, secrets: { ...secrets, token_encryption_key_previous: 'xyz' } }, /^token_encryption_key_previous: /],
    [{ env: { PORT: 'eighty' }, secrets }, /^PORT: /],
    [{ env: { UPSTREAM_TIMEOUT_MS: '0' }, secrets }, /^UPSTREAM_TIMEOUT_MS: /],
    [{ env: { JITSI_SERVER_URL: 'ftp://jitsi.example.com' }, secrets }, /^JITSI_SERVER_URL: must use https/],
    [{ env: { JITSI_SERVER_URL: 'http://jitsi.example.com' }, secrets }, /^JITSI_SERVER_URL: must use https/],
    [{ env: { DATABASE_URL: 'mysql://x' }, secrets }, /^DATABASE_URL: /],
    [{ env: { BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: 'md5' }, secrets }, /^BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: /],
    [{ env: { PUBLIC_URL: 'javascript:alert(1)' }, secrets }, /^PUBLIC_URL: /],
    [{ env: { LOG_LEVEL: 'loud' }, secrets }, /^LOG_LEVEL: /],
    [{ env: { JITSI_JWT_APP_ID: 'app' }, secrets }, /^jitsi_jwt_app_secret: /],
    [{ env: { JITSI_JAAS_APP_ID: 'vpaas-magic-cookie-1' }, secrets }, /^JITSI_JAAS_KEY_ID: /],
    [{ env: { AUTH_JWT_PUBLIC_KEY_FILE: '/nonexistent.pem' }, secrets }, /^AUTH_JWT_PUBLIC_KEY_FILE: /],
    [{ env: { ALLOWED_PRIVATE_UPSTREAM_HOSTS: '10.0.0.0/99' }, secrets }, /^ALLOWED_PRIVATE_UPSTREAM_HOSTS: /],
    [{ env: { ALLOWED_PRIVATE_UPSTREAM_HOSTS: 'jitsi, http://x' }, secrets }, /^ALLOWED_PRIVATE_UPSTREAM_HOSTS: /],
  ])('when a setting is bad (%#), then start-up stops with one line naming it', (options, message) => {
    let error: unknown;
    try {
      buildConfig(options as Parameters<typeof buildConfig>[0]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  test('when previous encryption keys are listed, then each is parsed with its own id', () => {
    const previous = [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('base64')];
    const config = buildConfig({
      env: {},
      secrets: { ...secrets, token_encryption_key_previous: previous.join(', ') },
    });
    expect(config.tokenEncryption.previous.map((key) => key.id)).toHaveLength(2);
    expect(new Set([config.tokenEncryption.current.id, ...config.tokenEncryption.previous.map((k) => k.id)]).size).toBe(
      3,
    );
  });
});

describe('server URLs', () => {
  test.each([
    ['https://jitsi.example.com/', 'https://jitsi.example.com'],
    ['https://jitsi.example.com/team', 'https://jitsi.example.com/team'],
    ['http://127.0.0.1:8443', 'http://127.0.0.1:8443'],
    ['http://localhost/x/', 'http://localhost/x'],
  ])('when %s is given, then %s is kept', (input, output) => {
    expect(parseServerUrl(input)).toBe(output);
  });

  test.each([
    ['javascript:alert(1)', /https/],
    ['ftp://example.com', /https/],
    ['/relative/path', /absolute/],
    ['example.com', /absolute/],
    ['http://example.com', /https/],
    [`https://example.com/${'a'.repeat(200)}`, /at most 200/],
    ['https://user:pw@example.com', /credentials/],
    ['https://example.com/?room=x', /query/],
    ['https://example.com/#x', /fragment/],
  ])('when %s is given, then it is refused', (input, message) => {
    expect(() => parseServerUrl(input)).toThrow(message);
  });

  test.each([
    ['https://bbb.example.com/bigbluebutton', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/api/', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/api', 'https://bbb.example.com/bigbluebutton/'],
    ['https://bbb.example.com/bigbluebutton/bigbluebutton/', 'https://bbb.example.com/bigbluebutton/'],
    ['  https://bbb.example.com/bigbluebutton/  ', 'https://bbb.example.com/bigbluebutton/'],
  ])('when the BigBlueButton URL is %s, then it is normalised to %s', (input, output) => {
    expect(normalizeBigBlueButtonUrl(input)).toBe(output);
  });
});

describe('secrets file', () => {
  test('when a secret has surrounding spaces, then they are trimmed; unknown keys are refused', () => {
    expect(parseSecrets('[secrets]\nsigning_secret =   abc  \n', 'f')).toEqual({ signing_secret: 'abc' });
    expect(() => parseSecrets('[secrets]\nsigning_secrt = abc\n', 'f')).toThrow(/unknown secret "signing_secrt"/);
    expect(() => parseSecrets('signing_secret = abc\n', 'f')).toThrow(/no \[secrets\] section/);
  });

  test('when the secrets file is world-readable, then a warning names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callgate-config-'));
    const file = join(dir, 'secrets.conf');
    writeFileSync(
      file,
      `[secrets]\n${Object.entries(secrets)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n')}\n`,
    );
    chmodSync(file, 0o644);
    const loaded = loadConfig({ SECRETS_FILE: file }, dir);
    expect(loaded.config.mode).toBe('production');
    expect(loaded.warnings.join('\n')).toMatch(/readable by other users.*chmod 600/);
    chmodSync(file, 0o600);
    expect(loadConfig({ SECRETS_FILE: file }, dir).warnings).toEqual([]);
  });

  test('when SECRETS_FILE names a missing file, then start-up stops instead of falling back to local mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callgate-config-'));
    expect(() => loadConfig({ SECRETS_FILE: join(dir, 'nope.conf') }, dir)).toThrow(/SECRETS_FILE: .* does not exist/);
  });
});

describe('local mode', () => {
  test('when there is no secrets file, then development secrets are generated once under ./data, private, and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callgate-local-'));
    const first = loadConfig({}, dir);
    expect(first.config.mode).toBe('local');
    expect(first.warnings.join(' ')).toMatch(/LOCAL MODE.*NOT FOR PRODUCTION/);
    const file = join(dir, 'data', 'local-secrets.conf');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
    const second = loadConfig({}, dir);
    expect(second.config.auth.jwtSecret).toBe(first.config.auth.jwtSecret);
    expect(readFileSync(file, 'utf8')).toContain(first.config.signingSecret);
  });

  test('when NODE_ENV=production and there is no secrets file, then local mode refuses to run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callgate-local-'));
    expect(() => loadConfig({ NODE_ENV: 'production' }, dir)).toThrow(/refuses to run with NODE_ENV=production/);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
