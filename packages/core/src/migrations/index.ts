import { type Kysely, sql, type Transaction } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as initial from './2026_11_21_0001_initial.ts';
import * as writeRulesInSql from './2026_11_30_0100_write_rules_in_sql.ts';
import * as organizations from './2026_11_30_0200_organizations.ts';
import * as reconcileRuns from './2026_11_30_0300_reconcile_runs.ts';
import * as auditLog from './2026_11_30_0400_audit_log.ts';
import * as deliveriesTogether from './2026_11_30_0500_deliveries_together.ts';
import * as setBasedUserWrites from './2026_11_30_0600_set_based_user_writes.ts';
import { installSqlFunctions } from './install-sql-functions.ts';

// Listed in code rather than read from a folder, so bundlers and `node` run them the same way.
// Names sort in the order they must run. They change tables, types, triggers and data; every SQL
// function is a file installed after them (src/sql-functions.ts, docs/decisions/140). Those that
// create functions (0001–0600) are history: the files replace what they created.
export const TABLE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_21_0001_initial': initial,
  '2026_11_30_0100_write_rules_in_sql': writeRulesInSql,
  '2026_11_30_0200_organizations': organizations,
  '2026_11_30_0300_reconcile_runs': reconcileRuns,
  '2026_11_30_0400_audit_log': auditLog,
  '2026_11_30_0500_deliveries_together': deliveriesTogether,
  '2026_11_30_0600_set_based_user_writes': setBasedUserWrites,
};

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => ({ ...TABLE_MIGRATIONS }) } });
}

export class MigrationFailedError extends Error {
  readonly migrationName: string | undefined;
  constructor(migrationName: string | undefined, cause: unknown) {
    super(
      `Migration ${migrationName ?? '(unknown)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'MigrationFailedError';
    this.migrationName = migrationName;
  }
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new MigrationFailedError(failed?.migrationName, result.error);
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
type AnyTransaction = Transaction<any>;

// Kysely's migration lock (its PostgresAdapter's advisory lock id), held here for the whole transaction.
const MIGRATION_LOCK_ID = '3853314791062309107';

/**
 * Applies every pending migration, then installs every new or changed SQL function file
 * (install-sql-functions.ts), all in one transaction under the migration lock: replicas starting
 * together run it one after the other, and a failure leaves nothing behind (MigrationFailedError for a
 * migration). Returns the migrations applied and the function files installed (`sync/….sql`).
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const run = async (trx: AnyTransaction) => {
    // Kysely's own lock is released when its migrations are done; ours lasts until the functions are in.
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_ID)}::bigint)`.execute(trx);
    const applied = unwrap(await migratorFor(trx).migrateToLatest());
    // A migration that ran (up again after a down, or a database from before the files) may have
    // replaced or dropped functions: every file goes in again; only new or changed ones are reported.
    const installed = await installSqlFunctions(trx, { reinstallAll: applied.length > 0 });
    return [...applied, ...installed];
  };
  return db.isTransaction ? run(db as AnyTransaction) : db.transaction().execute(run);
}

/** Reverts the newest applied migration. */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migratorFor(db).migrateDown());
}

export interface MigrationStatus {
  name: string;
  appliedAt: Date | null;
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus[]> {
  const infos = await migratorFor(db).getMigrations();
  return infos.map((m) => ({ name: m.name, appliedAt: m.executedAt ?? null }));
}

export { type SqlFunctionStatus, sqlFunctionStatus } from './install-sql-functions.ts';

// The one runner the CLI (`usersync migrate`, `npm run db:migrate`) and the API (on start) share.
export { describeApplied, describePending, PendingMigrationsError, prepareSchema } from './prepare-schema.ts';
