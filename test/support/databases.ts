/**
 * Runs a suite once per database kind: SQLite always, PostgreSQL when reachable.
 * Usage: `await forEachDatabase((kind) => describe(...))` at the top level of a test file.
 */
import { postgresReachable } from './postgres.js';

/** A database kind the suites run against. */
export type DatabaseKind = 'sqlite' | 'postgres';

/** The kinds to test on this machine. */
export async function databaseKinds(): Promise<DatabaseKind[]> {
  return (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}
