/**
 * Local mode (SPEC §8): what `npm start` without a secrets file adds to the app: the
 * in-process provider simulators handed in by the caller (the demo pages are local-only
 * entries of the route table).
 */
import type { Express, Router } from 'express';
import { chmodSync, existsSync } from 'node:fs';

/** A router mounted only in local mode, e.g. a provider simulator. */
export interface LocalRouter {
  /** Mount path, e.g. `/_simulators/zoom`. */
  path: string;
  router: Router;
}

/** Mounts the extra routers; does nothing outside local mode. */
export function mountLocalRouters(app: Express, mode: 'production' | 'local', routers: readonly LocalRouter[]): void {
  if (mode !== 'local') return;
  for (const { path, router } of routers) app.use(path, router);
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
