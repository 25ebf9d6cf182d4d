import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseHandle, type Db } from '../db/create-database.ts';
import type { Database } from '../db/schema.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { testDatabaseKinds } from './vitest-global-setup.ts';

export type TestDatabaseKind = 'postgres' | 'pglite';

export interface TestDatabase {
  kind: TestDatabaseKind;
  db: Db;
  /** Postgres only: the URL of this test's own database (for other processes and connections). */
  url: string | null;
  /** A second, independent connection pool to the same database, as a second API replica would have. */
  openAnotherConnection(): Db;
  /** The pool's connection counts (Postgres), null for PGlite. */
  poolStats: DatabaseHandle['poolStats'];
  close(): Promise<void>;
}

/** The database kinds this run tests against (TEST_DATABASES, default both). */
export const TEST_DATABASE_KINDS = testDatabaseKinds();

/**
 * A fresh, migrated database for one test file: a new database in the run's throwaway Postgres, or
 * an in-memory PGlite. Nothing is shared between files, so files run in parallel. `migrate: false`:
 * an empty one (a test of the migration runner itself).
 */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = createDatabase({ kind: 'pglite' });
    if (migrate) await migrateToLatest(handle.db);
    return {
      kind,
      db: handle.db,
      url: null,
      openAnotherConnection: () => {
        throw new Error('PGlite is a single in-process connection; use db itself');
      },
      poolStats: handle.poolStats,
      close: handle.close,
    };
  }
  const adminUrl = process.env.USERSYNC_TEST_POSTGRES_URL;
  if (!adminUrl) {
    throw new Error(
      'USERSYNC_TEST_POSTGRES_URL is not set: run tests through vitest (its globalSetup starts Postgres)',
    );
  }
  const name = `usersync_test_${randomBytes(6).toString('hex')}`;
  const admin = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: adminUrl, max: 1 }) }),
  });
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 20 });
  if (migrate) await migrateToLatest(handle.db);
  const others: Kysely<Database>[] = [];
  return {
    kind,
    db: handle.db,
    url: url.toString(),
    openAnotherConnection: () => {
      const other = createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 20 }).db;
      others.push(other);
      return other;
    },
    poolStats: handle.poolStats,
    close: async () => {
      await Promise.all([handle.close(), ...others.map((o) => o.destroy())]);
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin);
      await admin.destroy();
    },
  };
}
