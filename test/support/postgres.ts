/**
 * PostgreSQL for tests: each test file gets a fresh database, dropped afterwards, so
 * parallel files and parallel sessions never see each other's rows.
 * CI sets CALLGATE_REQUIRE_POSTGRES=1 so an unreachable server fails the run instead of
 * skipping; on a newcomer's machine without PostgreSQL the suites say why they are absent.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use. */
export const POSTGRES_ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

/** Whether PostgreSQL answers; throws when CALLGATE_REQUIRE_POSTGRES=1 and it does not. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      if (process.env['CALLGATE_REQUIRE_POSTGRES'] === '1') {
        throw new Error(`PostgreSQL required but not reachable at ${POSTGRES_ADMIN_URL}: ${String(error)}`, {
          cause: error,
        });
      }
      process.stderr.write(
        `PostgreSQL tests not run: no server at ${POSTGRES_ADMIN_URL} (${String(error)}); set TEST_POSTGRES_URL to use another\n`,
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** A database created for one test file. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database; `drop` removes it (closing stray connections first). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `callgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
