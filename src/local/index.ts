/**
 * Local mode (SPEC §8): what `npm start` without a secrets file adds to the app: the demo
 * and the in-process provider simulators handed in by the caller.
 */
import type { Express, Router } from 'express';
import { chmodSync, existsSync } from 'node:fs';
import type { Services } from '../services.js';
import type { Assets } from '../web/assets.js';
import { demoRoutes } from './demo.js';

/** A router mounted only in local mode, e.g. a provider simulator. */
export interface LocalRouter {
  /** Mount path, e.g. `/_simulators/zoom`. */
  path: string;
  router: Router;
}

/** Options of mountLocalMode. */
export interface LocalModeOptions {
  assets: Assets;
  extraRouters?: LocalRouter[];
}

/** Mounts the demo and the extra routers; does nothing outside local mode. */
export function mountLocalMode(app: Express, services: Services, options: LocalModeOptions): void {
  if (services.config.mode !== 'local') return;
  app.use(demoRoutes(services, options.assets));
  for (const { path, router } of options.extraRouters ?? []) app.use(path, router);
}

/** The start-up banner that tells a local-mode user where to go. */
export function localModeBanner(baseUrl: string): string {
  const line = '='.repeat(72);
  return `\n${line}\n  callgate local mode is ready. Open the demo:\n\n      ${baseUrl}/demo\n\n  Admin settings: ${baseUrl}/admin (sign in on the demo first)\n${line}\n\n`;
}

/**
 * Makes an existing local-mode SQLite database private (0600, with its -wal and -shm
 * files): earlier versions created them world-readable. New files are created private.
 */
export function restrictLocalDatabase(databaseUrl: string): void {
  if (!databaseUrl.startsWith('sqlite:') || databaseUrl === 'sqlite::memory:') return;
  const path = databaseUrl.slice('sqlite:'.length);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
