/**
 * The core's settings and secrets (SPEC §7) as a zod schema: what every deployment has,
 * whichever providers it runs. Provider settings come from the modules' own schemas.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  integerSetting,
  MIN_SECRET_LENGTH,
  optionalSecret,
  optionalSetting,
  settingIssue,
  settingWithDefault,
  stripSlash,
  tryOrIssue,
  urlSetting,
  type IssueContext,
} from './fields.js';
import { parseAllowedUpstreamHosts } from '../http/addressPolicy.js';
import { readPublicKey } from './pem.js';

/** An AES-256 key and the id stored beside each ciphertext it made. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The id of an encryption key: a short digest, so ciphertexts name their key without revealing it. */
export function encryptionKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The core's settings schema; its input is the settings source the config module assembles. */
export const coreSettingsSchema = z
  .object({
    env: z.object({
      PORT: integerSetting(8080, { min: 0, max: 65535 }),
      HOST: settingWithDefault('127.0.0.1'),
      PUBLIC_URL: urlSetting(),
      AUTH_JWT_PUBLIC_KEY_FILE: optionalSetting(),
      AUTH_JWT_AUDIENCE: settingWithDefault('callgate'),
      AUTH_JWT_ISSUER: optionalSetting(),
      HOST_ORIGIN: urlSetting(),
      LOGIN_URL: urlSetting(),
      DATABASE_URL: settingWithDefault('sqlite:./data/callgate.sqlite'),
      LOG_LEVEL: settingWithDefault('info'),
      UPSTREAM_TIMEOUT_MS: integerSetting(5000, { min: 1, max: 120_000 }),
      CALLS_PER_MINUTE: integerSetting(30, { min: 0, max: 100_000 }),
      ALLOWED_PRIVATE_UPSTREAM_HOSTS: settingWithDefault(''),
    }),
    secrets: z.object({
      auth_jwt_secret: optionalSecret(),
      signing_secret: optionalSecret(),
      token_encryption_key: optionalSecret(),
      token_encryption_key_previous: optionalSecret(),
    }),
    cwd: z.string(),
    dataDir: z.string(),
    mode: z.enum(['production', 'local']),
  })
  .transform((source, ctx) => {
    const { env, secrets, cwd, mode } = source;
    const publicUrl = stripSlash(
      env.PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`,
    );
    const keyFile = env.AUTH_JWT_PUBLIC_KEY_FILE;
    const jwtPublicKey = keyFile
      ? (tryOrIssue(ctx, 'env', 'AUTH_JWT_PUBLIC_KEY_FILE', () => readPublicKey(resolve(cwd, keyFile))) ?? null)
      : null;
    const jwtSecret = jwtPublicKey ? null : strongSecret(ctx, 'auth_jwt_secret', secrets.auth_jwt_secret);
    const databaseUrl = tryOrIssue(ctx, 'env', 'DATABASE_URL', () => parseDatabaseUrl(env.DATABASE_URL, cwd)) ?? '';
    if (!(LOG_LEVELS as readonly string[]).includes(env.LOG_LEVEL)) {
      settingIssue(ctx, 'env', 'LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
    }
    const allowedPrivateUpstreamHosts = tryOrIssue(ctx, 'env', 'ALLOWED_PRIVATE_UPSTREAM_HOSTS', () =>
      parseAllowedUpstreamHosts(env.ALLOWED_PRIVATE_UPSTREAM_HOSTS),
    ) ?? { names: [], ranges: [] };
    const signingSecret = strongSecret(ctx, 'signing_secret', secrets.signing_secret);
    const current = secrets.token_encryption_key
      ? encryptionKey(ctx, 'token_encryption_key', secrets.token_encryption_key)
      : settingIssue(ctx, 'secrets', 'token_encryption_key', 'missing from the secrets file');
    const previous = (secrets.token_encryption_key_previous ?? '')
      .split(/[\s,]+/)
      .filter((value) => value !== '')
      .map((value) => encryptionKey(ctx, 'token_encryption_key_previous', value));
    return {
      /** `local` runs with generated development secrets (SPEC §8). */
      mode,
      port: env.PORT,
      host: env.HOST,
      /** The public base URL, without a trailing slash. */
      publicUrl,
      /** The chat frontend's origin: the only CORS origin and the popup's postMessage target. */
      // In local mode the demo page on this very service is the host (SPEC §8).
      hostOrigin: env.HOST_ORIGIN
        ? new URL(env.HOST_ORIGIN).origin
        : mode === 'local'
          ? new URL(publicUrl).origin
          : null,
      loginUrl: env.LOGIN_URL,
      databaseUrl,
      /** Directory for local data (SQLite file, local secrets). */
      dataDir: source.dataDir,
      logLevel: env.LOG_LEVEL,
      upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
      auth: {
        /** HS256 secret, when no public key is configured. */
        jwtSecret,
        /** PEM public key for RS256/ES256. */
        jwtPublicKey,
        audience: env.AUTH_JWT_AUDIENCE,
        issuer: env.AUTH_JWT_ISSUER,
      },
      /** Key for callgate's own signed links (join tokens). */
      signingSecret,
      tokenEncryption: { current, previous },
      /** Calls a user may create per minute, and as many checks and authorization starts; 0: no limit. */
      callsPerMinute: env.CALLS_PER_MINUTE,
      /** Private hosts, addresses and ranges organizations may still use (SPEC §9). */
      allowedPrivateUpstreamHosts,
    };
  });

/** The core's settings, as its schema produces them. */
export type CoreConfig = z.output<typeof coreSettingsSchema>;

/** The secrets the core reads; modules add their own. */
export const CORE_SECRET_NAMES = [
  'auth_jwt_secret',
  'signing_secret',
  'token_encryption_key',
  'token_encryption_key_previous',
] as const;

/** Of the core's secrets: those local mode generates. */
export const CORE_LOCAL_SECRET_NAMES = ['auth_jwt_secret', 'signing_secret', 'token_encryption_key'];

function strongSecret(ctx: IssueContext, name: string, value: string | null): string {
  if (value === null) return settingIssue(ctx, 'secrets', name, 'missing from the secrets file');
  if (value.length < MIN_SECRET_LENGTH) {
    return settingIssue(ctx, 'secrets', name, `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return value;
}

function encryptionKey(ctx: IssueContext, name: string, value: string): EncryptionKey {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) {
    return settingIssue(ctx, 'secrets', name, 'must be 32 bytes in base64 (try: openssl rand -base64 32)');
  }
  return { id: encryptionKeyId(key), key };
}

function parseDatabaseUrl(raw: string, cwd: string): string {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '') throw new Error('sqlite: needs a file path');
    return path === ':memory:' ? raw : `sqlite:${resolve(cwd, path)}`;
  }
  if (/^postgres(ql)?:\/\//.test(raw)) return raw;
  throw new Error('must start with sqlite: or postgres://');
}
