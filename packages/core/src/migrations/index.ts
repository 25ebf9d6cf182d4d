import { type Kysely, sql, type Transaction } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as initial from './2026_11_21_0001_initial.ts';
import * as writeRulesInSql from './2026_11_30_0100_write_rules_in_sql.ts';
import * as organizations from './2026_11_30_0200_organizations.ts';
import * as reconcileRuns from './2026_11_30_0300_reconcile_runs.ts';
import * as auditLog from './2026_11_30_0400_audit_log.ts';
import * as deliveriesTogether from './2026_11_30_0500_deliveries_together.ts';
import * as setBasedUserWrites from './2026_11_30_0600_set_based_user_writes.ts';
import * as reconcileLease from './2026_12_07_0100_reconcile_lease.ts';
import * as userBans from './2026_12_07_0810_user_bans.ts';
import * as deliveryPayloadPrivacy from './2026_12_07_0820_delivery_payload_privacy.ts';
import * as billing from './2026_12_07_0830_billing.ts';
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
  '2026_12_07_0100_reconcile_lease': reconcileLease,
  '2026_12_07_0810_user_bans': userBans,
  '2026_12_07_0820_delivery_payload_privacy': deliveryPayloadPrivacy,
  '2026_12_07_0830_billing': billing,
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

/** The migration lock, until the transaction ends (through transaction poolers too: decision 150). */
async function lockMigrations(trx: AnyTransaction): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_ID)}::bigint)`.execute(trx);
}

/**
 * The migrator for a transaction that holds the migration lock already, with Kysely's own lock skipped:
 * Kysely 0.29 takes a *session* lock and releases it with a later statement, which behind a transaction
 * pooler may leave it on a server session the pooler hands to others, and which fails in a transaction
 * a failed migration aborted (hiding that migration's error). Its adapter's acquire/release are no-ops here.
 */
function lockedMigrator(trx: AnyTransaction): Migrator {
  const executor = trx.getExecutor();
  const adapter = Object.create(executor.adapter, {
    acquireMigrationLock: { value: async () => {} },
    releaseMigrationLock: { value: async () => {} },
  });
  // Kysely's classes keep private fields: their methods must run on the real objects.
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const lockFreeExecutor = new Proxy(executor, {
    get: (target, prop) => (prop === 'adapter' ? adapter : bound(target, prop)),
  });
  return migratorFor(
    new Proxy(trx, {
      get: (target, prop) => (prop === 'getExecutor' ? () => lockFreeExecutor : bound(target, prop)),
    }),
  );
}

/**
 * Applies every pending migration, then installs every new or changed SQL function file
 * (install-sql-functions.ts), all in one transaction under the migration lock: replicas starting
 * together run it one after the other, and a failure leaves nothing behind (MigrationFailedError for a
 * migration). Returns the migrations applied and the function files installed (`sync/….sql`).
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const run = async (trx: AnyTransaction) => {
    // Held until the functions are in too.
    await lockMigrations(trx);
    const applied = unwrap(await lockedMigrator(trx).migrateToLatest());
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
  const run = async (trx: AnyTransaction) => {
    await lockMigrations(trx);
    return unwrap(await lockedMigrator(trx).migrateDown());
  };
  return db.isTransaction ? run(db as AnyTransaction) : db.transaction().execute(run);
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
