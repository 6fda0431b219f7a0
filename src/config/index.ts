/**
 * The one configuration module: the only reader of `process.env` and of the secrets file.
 * Every setting is parsed and checked here at start-up; a bad value throws a ConfigError
 * whose message is one line naming the setting.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseAllowedUpstreamHosts, type AllowedUpstreamHosts } from '../http/addressPolicy.js';
import { readPem, readPublicKey } from './pem.js';
import { readSecretsFile, type Secrets } from './secrets.js';
import { prepareLocalSecrets } from './localSecrets.js';
import { isLoopbackHost, normalizeBigBlueButtonUrl, parseServerUrl } from './urls.js';

export { normalizeBigBlueButtonUrl } from './urls.js';

/** A start-up problem; its message is one line that names the setting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Checksum algorithms BigBlueButton accepts. */
export const BBB_CHECKSUM_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
/** One BigBlueButton checksum algorithm. */
export type BbbChecksumAlgorithm = (typeof BBB_CHECKSUM_ALGORITHMS)[number];

/** An AES-256 key and the id stored beside each ciphertext it made. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The service's settings, typed and validated. */
export interface Config {
  /** `local` runs with generated development secrets (SPEC §8). */
  mode: 'production' | 'local';
  port: number;
  host: string;
  /** The public base URL, without a trailing slash. */
  publicUrl: string;
  /** The chat frontend's origin: the only CORS origin and the popup's postMessage target. */
  hostOrigin: string | null;
  loginUrl: string | null;
  databaseUrl: string;
  /** Directory for local data (SQLite file, local secrets). */
  dataDir: string;
  logLevel: string;
  upstreamTimeoutMs: number;
  auth: {
    /** HS256 secret, when no public key is configured. */
    jwtSecret: string | null;
    /** PEM public key for RS256/ES256. */
    jwtPublicKey: string | null;
    audience: string;
    issuer: string | null;
  };
  /** Key for callgate's own signed links (BBB and Jitsi join tokens). */
  signingSecret: string;
  tokenEncryption: { current: EncryptionKey; previous: EncryptionKey[] };
  jitsi: {
    /** Server-wide Jitsi base URL; null when Jitsi is disabled server-wide. */
    serverUrl: string | null;
    /** Self-hosted token authentication (HS256). */
    jwt: { appId: string; secret: string } | null;
    /** 8x8 JaaS token authentication (RS256). */
    jaas: { appId: string; keyId: string; privateKey: string } | null;
    /** `aud` of minted self-hosted Jitsi tokens. */
    jwtAudience: string;
    jwtTtlSeconds: number;
  };
  zoom: {
    clientId: string | null;
    clientSecret: string | null;
    accountId: string | null;
    webhookSecret: string | null;
    apiUrl: string;
    oauthUrl: string;
  };
  bigBlueButton: {
    /** Normalised base URL ending in `/`, e.g. `https://bbb.example.com/bigbluebutton/`. */
    url: string | null;
    secret: string | null;
    checksumAlgorithm: BbbChecksumAlgorithm;
  };
  /** Calls a user may create per minute (and connection checks, authorization starts); 0: no limit. */
  callsPerMinute: number;
  /** Private hosts, addresses and ranges organizations may still use (SPEC §9). */
  allowedPrivateUpstreamHosts: AllowedUpstreamHosts;
}

/** The outcome of loading: the config and what start-up should warn about. */
export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/** Environment variables callgate reads. */
export type Env = Record<string, string | undefined>;

const MIN_SECRET_LENGTH = 32;

/**
 * Loads the configuration from the environment and the secrets file.
 * With no secrets file, local mode generates development secrets under the data directory.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): LoadedConfig {
  const warnings: string[] = [];
  const dataDir = resolve(cwd, env['DATA_DIR'] || './data');
  const secretsPath = resolve(cwd, env['SECRETS_FILE'] || './secrets.conf');
  let secrets: Secrets;
  let mode: Config['mode'];
  if (existsSync(secretsPath)) {
    const file = wrap('SECRETS_FILE', () => readSecretsFile(secretsPath));
    secrets = file.secrets;
    warnings.push(...file.warnings);
    mode = 'production';
  } else if (env['SECRETS_FILE']) {
    throw new ConfigError(`SECRETS_FILE: ${secretsPath} does not exist`);
  } else {
    if (env['NODE_ENV'] === 'production') {
      throw new ConfigError(
        `secrets file ${secretsPath} not found, and local mode refuses to run with NODE_ENV=production; create it from secrets.example.conf`,
      );
    }
    // Local mode's demo sign-in mints an owner token for anyone who asks (SPEC §8, §9).
    if (env['HOST'] && !isLoopbackHost(env['HOST'])) {
      throw new ConfigError(
        `HOST: local mode listens on loopback only, since its demo sign-in lets anyone act as any user; use HOST=127.0.0.1, or create ${secretsPath} for production mode`,
      );
    }
    secrets = prepareLocalSecrets(dataDir);
    mode = 'local';
    warnings.push(
      `LOCAL MODE: no secrets file at ${secretsPath}; using development secrets from ${dataDir}. NOT FOR PRODUCTION.`,
    );
  }
  const config = buildConfig({ env, secrets, mode, cwd, dataDir });
  return { config, warnings };
}

/** Options of buildConfig: everything it reads, passed in so tests need no files. */
export interface BuildConfigOptions {
  env: Env;
  secrets: Secrets;
  mode?: Config['mode'];
  cwd?: string;
  dataDir?: string;
}

/** Validates settings and secrets into a Config; throws ConfigError naming the first bad one. */
export function buildConfig(options: BuildConfigOptions): Config {
  const { env, secrets } = options;
  const cwd = options.cwd ?? process.cwd();
  const dataDir = options.dataDir ?? resolve(cwd, './data');
  const port = integer(env, 'PORT', 8080, { min: 0, max: 65535 });
  const host = env['HOST'] || '127.0.0.1';
  const publicUrl = stripSlash(url(env, 'PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`);

  const jwtPublicKeyFile = env['AUTH_JWT_PUBLIC_KEY_FILE'];
  const jwtPublicKey = jwtPublicKeyFile
    ? wrap('AUTH_JWT_PUBLIC_KEY_FILE', () => readPublicKey(resolve(cwd, jwtPublicKeyFile)))
    : null;
  const jwtSecret = jwtPublicKey ? null : strongSecret(secrets, 'auth_jwt_secret');

  const jitsiServerUrl =
    env['JITSI_SERVER_URL'] === undefined
      ? 'https://meet.jit.si'
      : env['JITSI_SERVER_URL'].trim() === ''
        ? null
        : wrap('JITSI_SERVER_URL', () => parseServerUrl(env['JITSI_SERVER_URL'] ?? ''));

  const jitsiAppId = env['JITSI_JWT_APP_ID'] || null;
  const jitsiAppSecret = secrets.jitsi_jwt_app_secret ?? null;
  if (jitsiAppId && !jitsiAppSecret) {
    throw new ConfigError('jitsi_jwt_app_secret: required when JITSI_JWT_APP_ID is set');
  }
  const jaasAppId = env['JITSI_JAAS_APP_ID'] || null;
  let jaas: Config['jitsi']['jaas'] = null;
  if (jaasAppId) {
    if (!/^[A-Za-z0-9._-]+$/.test(jaasAppId)) {
      throw new ConfigError('JITSI_JAAS_APP_ID: must be the JaaS AppID, e.g. vpaas-magic-cookie-<hex>');
    }
    const keyId = env['JITSI_JAAS_KEY_ID'];
    const keyFile = env['JITSI_JAAS_PRIVATE_KEY_FILE'];
    if (!keyId) throw new ConfigError('JITSI_JAAS_KEY_ID: required when JITSI_JAAS_APP_ID is set');
    if (!keyFile) {
      throw new ConfigError('JITSI_JAAS_PRIVATE_KEY_FILE: required when JITSI_JAAS_APP_ID is set');
    }
    const privateKey = wrap('JITSI_JAAS_PRIVATE_KEY_FILE', () => readPem(resolve(cwd, keyFile), 'PRIVATE KEY'));
    jaas = { appId: jaasAppId, keyId, privateKey };
  }
  // With JaaS configured and no JITSI_SERVER_URL, the server's Jitsi is the JaaS tenant.
  const serverJitsiUrl =
    jaas && env['JITSI_SERVER_URL'] === undefined ? `https://8x8.vc/${jaas.appId}` : jitsiServerUrl;

  const bbbUrlRaw = env['BIG_BLUE_BUTTON_URL'];
  const bbbUrl = bbbUrlRaw ? wrap('BIG_BLUE_BUTTON_URL', () => normalizeBigBlueButtonUrl(bbbUrlRaw)) : null;
  const algorithm = (env['BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM'] || 'sha256').toLowerCase();
  if (!(BBB_CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new ConfigError(`BIG_BLUE_BUTTON_CHECKSUM_ALGORITHM: must be one of ${BBB_CHECKSUM_ALGORITHMS.join(', ')}`);
  }

  return {
    mode: options.mode ?? 'production',
    port,
    host,
    publicUrl,
    // In local mode the demo page on this very service is the host (SPEC §8).
    hostOrigin: origin(env, 'HOST_ORIGIN') ?? (options.mode === 'local' ? new URL(publicUrl).origin : null),
    loginUrl: url(env, 'LOGIN_URL'),
    databaseUrl: databaseUrl(env['DATABASE_URL'] || 'sqlite:./data/callgate.sqlite', cwd),
    dataDir,
    logLevel: logLevel(env['LOG_LEVEL'] || 'info'),
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 5000, { min: 1, max: 120_000 }),
    auth: {
      jwtSecret,
      jwtPublicKey,
      audience: env['AUTH_JWT_AUDIENCE'] || 'callgate',
      issuer: env['AUTH_JWT_ISSUER'] || null,
    },
    signingSecret: strongSecret(secrets, 'signing_secret'),
    tokenEncryption: {
      current: encryptionKey('token_encryption_key', required(secrets, 'token_encryption_key')),
      previous: (secrets.token_encryption_key_previous ?? '')
        .split(/[\s,]+/)
        .filter((value) => value !== '')
        .map((value) => encryptionKey('token_encryption_key_previous', value)),
    },
    jitsi: {
      serverUrl: serverJitsiUrl,
      jwt: jitsiAppId && jitsiAppSecret ? { appId: jitsiAppId, secret: jitsiAppSecret } : null,
      jaas,
      jwtAudience: env['JITSI_JWT_AUDIENCE'] || 'jitsi',
      jwtTtlSeconds: integer(env, 'JITSI_JWT_TTL_SECONDS', 3 * 3600, { min: 60, max: 7 * 86400 }),
    },
    zoom: {
      clientId: env['VIDEO_ZOOM_CLIENT_ID'] || null,
      clientSecret: secrets.video_zoom_client_secret ?? null,
      accountId: env['VIDEO_ZOOM_SERVER_TO_SERVER_ACCOUNT_ID'] || null,
      webhookSecret: secrets.video_zoom_webhook_secret ?? null,
      apiUrl: stripSlash(url(env, 'VIDEO_ZOOM_API_URL') ?? 'https://api.zoom.us'),
      oauthUrl: stripSlash(url(env, 'VIDEO_ZOOM_OAUTH_URL') ?? 'https://zoom.us'),
    },
    bigBlueButton: {
      url: bbbUrl,
      // Trimmed here too: a space pasted around the secret would fail every checksum.
      secret: secrets.big_blue_button_secret?.trim() || null,
      checksumAlgorithm: algorithm as BbbChecksumAlgorithm,
    },
    callsPerMinute: integer(env, 'CALLS_PER_MINUTE', 30, { min: 0, max: 100_000 }),
    allowedPrivateUpstreamHosts: wrap('ALLOWED_PRIVATE_UPSTREAM_HOSTS', () =>
      parseAllowedUpstreamHosts(env['ALLOWED_PRIVATE_UPSTREAM_HOSTS'] ?? ''),
    ),
  };
}

/** The id of an encryption key: a short digest, so ciphertexts name their key without revealing it. */
export function encryptionKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function encryptionKey(name: string, value: string): EncryptionKey {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) {
    throw new ConfigError(`${name}: must be 32 bytes in base64 (try: openssl rand -base64 32)`);
  }
  return { id: encryptionKeyId(key), key };
}

function required(secrets: Secrets, name: keyof Secrets): string {
  const value = secrets[name];
  if (value === undefined) throw new ConfigError(`${name}: missing from the secrets file`);
  return value;
}

function strongSecret(secrets: Secrets, name: keyof Secrets): string {
  const value = required(secrets, name);
  if (value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`${name}: must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, bounds: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const parsed = z.coerce.number().int().min(bounds.min).max(bounds.max).safeParse(raw.trim());
  if (!parsed.success) {
    throw new ConfigError(`${name}: must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return parsed.data;
}

function url(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  try {
    const parsed = new URL(raw.trim());
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
    return parsed.toString();
  } catch {
    throw new ConfigError(`${name}: must be an absolute http(s) URL`);
  }
}

function origin(env: Env, name: string): string | null {
  const value = url(env, name);
  return value === null ? null : new URL(value).origin;
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function databaseUrl(raw: string, cwd: string): string {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL: sqlite: needs a file path');
    return path === ':memory:' ? raw : `sqlite:${resolve(cwd, path)}`;
  }
  if (/^postgres(ql)?:\/\//.test(raw)) return raw;
  throw new ConfigError('DATABASE_URL: must start with sqlite: or postgres://');
}

function logLevel(raw: string): string {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(raw)) throw new ConfigError(`LOG_LEVEL: must be one of ${levels.join(', ')}`);
  return raw;
}

function wrap<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${name}: ${reason}`);
  }
}
