import type { Db } from '@usersync/core/db';
import { migrateToLatest, migrationStatus } from '@usersync/core/migrations';

/**
 * Applies every pending migration (the API does this on start unless MIGRATE_ON_START=false; the
 * `migrate` script does only this). Kysely's migrator takes a lock, so replicas starting together are
 * safe. Throws MigrationFailedError; nothing of a failed migration stays.
 */
export async function runMigrations(db: Db): Promise<string[]> {
  return migrateToLatest(db);
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  return (await migrationStatus(db)).filter((m) => m.appliedAt === null).map((m) => m.name);
}
