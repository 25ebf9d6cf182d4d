// `@usersync/testing/database`: a fresh migrated database per test file, on PostgreSQL and PGlite.
// The implementation lives in @usersync/core/testing because core's own tests need it and core cannot
// depend on this package (docs/decisions/060-one-test-kit.md); everything else imports it from here.
import type { Db } from '@usersync/core/internal';

export {
  describeEachDatabase,
  openTestDatabase,
  startThrowawayPgBouncer,
  startThrowawayPostgres,
  TEST_DATABASE_KINDS,
  type TestDatabase,
  type TestDatabaseKind,
  type ThrowawayPgBouncer,
  type ThrowawayPostgres,
} from '@usersync/core/testing';

/** Every row of the tables a request or command could write, to compare before and after. */
export async function snapshotTables(db: Db) {
  const [users, settings, tombstones, events, invitations] = await Promise.all([
    db.selectFrom('users').selectAll().orderBy('clerk_id').execute(),
    db.selectFrom('user_settings').selectAll().orderBy('user_id').execute(),
    db.selectFrom('user_tombstones').selectAll().orderBy('clerk_id').execute(),
    db.selectFrom('webhook_events').selectAll().orderBy('svix_id').execute(),
    db.selectFrom('invitations').selectAll().orderBy('id').execute(),
  ]);
  return { users, settings, tombstones, events, invitations };
}
