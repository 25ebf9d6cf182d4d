import type { Kysely } from 'kysely';
import { migrateToLatest, migrationStatus, sqlFunctionStatus } from './index.ts';

// The one migration runner the CLI (`usersync migrate`, `npm run db:migrate`) and the API (on start) share,
// and the one wording of what it did.

/** Pending migrations (or SQL function files) while the caller was told not to apply them (MIGRATE_ON_START=false). */
export class PendingMigrationsError extends Error {
  readonly pending: string[];
  constructor(pending: string[], database: string) {
    super(`${database} has ${describePending(pending)}`);
    this.name = 'PendingMigrationsError';
    this.pending = pending;
  }
}

/**
 * Brings the schema to the latest version (`apply`): the table migrations, then the SQL function files
 * (docs/decisions/140); or checks that it is there (`apply: false`, throws PendingMigrationsError naming
 * pending migrations and function files). migrateToLatest holds the migration lock for the whole run, so
 * replicas starting together are safe; a failed migration throws MigrationFailedError and leaves nothing
 * behind. Returns the names applied.
 */
export async function prepareSchema(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
  db: Kysely<any>,
  options: { apply: boolean; database: string },
): Promise<string[]> {
  if (options.apply) return migrateToLatest(db);
  const status = [...(await migrationStatus(db)), ...(await sqlFunctionStatus(db))];
  const pending = status.filter((m) => m.appliedAt === null).map((m) => m.name);
  if (pending.length > 0) throw new PendingMigrationsError(pending, options.database);
  return [];
}

/** `Applied 2 migrations to X: a, b.` or `X is up to date.` */
export function describeApplied(applied: readonly string[], database: string): string {
  return applied.length === 0
    ? `${database} is up to date.`
    : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${database}: ${applied.join(', ')}.`;
}

/** `1 pending migration (a): run \`npm run db:migrate\`.` */
export function describePending(pending: readonly string[]): string {
  return `${pending.length} pending migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')}): run \`npm run db:migrate\`.`;
}
