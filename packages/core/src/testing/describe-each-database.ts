import { afterAll, beforeAll, describe } from 'vitest';
import {
  openTestDatabase,
  TEST_DATABASE_KINDS,
  type TestDatabase,
  type TestDatabaseKind,
} from './test-database.ts';

/**
 * Runs a suite once per database kind (real Postgres and PGlite by default), each with its own fresh
 * migrated database. `use()` returns it inside tests and hooks.
 */
export function describeEachDatabase(
  name: string,
  suite: (use: () => TestDatabase, kind: TestDatabaseKind) => void,
  kinds: readonly TestDatabaseKind[] = TEST_DATABASE_KINDS,
): void {
  for (const kind of kinds) {
    describe(`${name} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.close();
      });
      suite(() => {
        if (!database) throw new Error('test database not open yet');
        return database;
      }, kind);
    });
  }
}
