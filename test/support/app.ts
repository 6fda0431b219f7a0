/**
 * Starts the real app in-process on port 0 with a real database: the way every HTTP-level
 * test talks to callgate.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type AppOptions } from '../../src/app.js';
import { mintToken, type MintOptions } from '../../src/auth/identity.js';
import { buildConfig, type Config, type Env } from '../../src/config/index.js';
import type { Secrets } from '../../src/config/secrets.js';
import type { Resolver } from '../../src/http/addressPolicy.js';
import { createLogger } from '../../src/log.js';
import type { ProviderModule } from '../../src/providers/module.js';
import { createServices, type Services } from '../../src/services.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import type { DatabaseKind } from './databases.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

/** Secrets every test app gets unless a test overrides them; fresh per test run. */
export const TEST_SECRETS: Required<Pick<Secrets, 'auth_jwt_secret' | 'signing_secret' | 'token_encryption_key'>> = {
  auth_jwt_secret: randomBytes(32).toString('base64url'),
  signing_secret: randomBytes(32).toString('base64url'),
  token_encryption_key: randomBytes(32).toString('base64'),
};

/** Options of startApp. */
export interface StartAppOptions {
  db?: DatabaseKind;
  /** Environment settings; PUBLIC_URL defaults to the app's own address. */
  env?: Env;
  secrets?: Secrets;
  /** Clock for the services. */
  now?: () => number;
  /** `local` runs the app as local mode does (demo, simulators); default `production`. */
  mode?: Config['mode'];
  /** Options of buildApp, e.g. local-mode routers. */
  appOptions?: AppOptions;
  /** Reuse an existing database URL (e.g. to start a second app on the same PostgreSQL). */
  databaseUrl?: string;
  /** Resolves organization-set host names (SPEC §9); a fake keeps tests on 127.0.0.1. */
  resolve?: Resolver;
  /** The provider modules; the built-in list by default (a test may add its own). */
  modules?: readonly ProviderModule[];
}

/** A running app. */
export interface TestApp {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  config: Config;
  services: Services;
  store: Store;
  databaseUrl: string;
  /** Every log line written so far (raw JSON text). */
  logs: string[];
  /** Mints an identity token for this app. */
  token(options?: Partial<MintOptions>): string;
  close(): Promise<void>;
}

/** Starts callgate in-process. */
export async function startApp(options: StartAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? 'sqlite';
  let database: TestDatabase | undefined;
  let tempDir: string | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    if (db === 'postgres') {
      database = await createTestDatabase();
      databaseUrl = database.url;
    } else {
      tempDir = mkdtempSync(join(tmpdir(), 'callgate-test-'));
      databaseUrl = `sqlite:${join(tempDir, 'callgate.sqlite')}`;
    }
  }
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const store = await openStore(databaseUrl);

  // The app must know its own public URL before it listens: bind first, then build.
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const config = buildConfig({
    env: { JITSI_SERVER_URL: 'https://meet.example.org', PUBLIC_URL: url, LOG_LEVEL: 'debug', ...options.env },
    secrets: { ...TEST_SECRETS, ...options.secrets },
    mode: options.mode ?? 'production',
    dataDir: tempDir ?? tmpdir(),
    ...(options.modules ? { modules: options.modules } : {}),
  });
  const services = createServices({
    config,
    store,
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  server.on('request', buildApp(services, options.appOptions));

  return {
    url,
    config,
    services,
    store,
    databaseUrl,
    logs,
    token(mint = {}) {
      return mintToken(config.auth.jwtSecret ?? '', {
        org: 'acme',
        userId: '42',
        role: 'member',
        audience: config.auth.audience,
        issuer: config.auth.issuer,
        ...mint,
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      await store.close();
      await database?.drop();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Sends a JSON request to the app and returns status, headers and parsed body. */
export async function api(
  app: Pick<TestApp, 'url'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${app.url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
