/** Opens the store that DATABASE_URL names. */
import { openPostgresStore } from './postgres/postgresStore.js';
import { openSqliteStore } from './sqlite/sqliteStore.js';
import type { Store, StoreOptions } from './types.js';

export type { Store } from './types.js';

/** Opens `sqlite:<path>` or `postgres://…`, with migrations applied. */
export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl.slice('sqlite:'.length), options);
  return openPostgresStore(databaseUrl, options);
}
