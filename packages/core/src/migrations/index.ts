import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as initial from './2026_11_21_0001_initial.ts';
import * as writeRulesInSql from './2026_11_30_0100_write_rules_in_sql.ts';
import * as organizations from './2026_11_30_0200_organizations.ts';
import * as reconcileRuns from './2026_11_30_0300_reconcile_runs.ts';
import * as auditLog from './2026_11_30_0400_audit_log.ts';
import * as deliveriesTogether from './2026_11_30_0500_deliveries_together.ts';
import * as setBasedUserWrites from './2026_11_30_0600_set_based_user_writes.ts';
import * as reconcileLease from './2026_12_07_0100_reconcile_lease.ts';

// Listed in code rather than read from a folder, so bundlers and `node` run them the same way.
// Names sort in the order they must run.
const migrations: Record<string, Migration> = {
  '2026_11_21_0001_initial': initial,
  '2026_11_30_0100_write_rules_in_sql': writeRulesInSql,
  '2026_11_30_0200_organizations': organizations,
  '2026_11_30_0300_reconcile_runs': reconcileRuns,
  '2026_11_30_0400_audit_log': auditLog,
  '2026_11_30_0500_deliveries_together': deliveriesTogether,
  '2026_11_30_0600_set_based_user_writes': setBasedUserWrites,
  '2026_12_07_0100_reconcile_lease': reconcileLease,
};

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
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

/** Applies every pending migration; throws MigrationFailedError (nothing of the failed one stays). */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return unwrap(await underMigrationLock(db, (migrator) => migrator.migrateToLatest()));
}

/** Reverts the newest applied migration. */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  return unwrap(await underMigrationLock(db, (migrator) => migrator.migrateDown()));
}

/**
 * One migration run at a time per database, through transaction poolers too (docs/decisions/150): the
 * whole run is one transaction that first takes a transaction-scoped advisory lock, so replicas
 * starting together wait for the first and then find nothing pending. Kysely 0.29's own Postgres lock
 * is a session lock taken and released by separate statements, which a transaction pooler sends to
 * different server sessions (the lock then stays on one the pooler hands to others); inside this
 * transaction it is not needed, and is skipped.
 */
async function underMigrationLock(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
  db: Kysely<any>,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  const failed = new Set<MigrationResultSet>();
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended('usersync:migrate', 0))`.execute(trx);
      const result = await run(migratorFor(withoutMigratorLock(trx)));
      if (!result.error) return result;
      failed.add(result);
      throw result.error; // rolls the whole run back
    });
  } catch (error) {
    const [result] = failed;
    if (result) return result;
    return { error };
  }
}

/** The transaction, with an adapter whose migration lock does nothing (the caller holds one). */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
function withoutMigratorLock<D extends Kysely<any>>(trx: D): D {
  const executor = trx.getExecutor();
  const adapter = Object.create(executor.adapter, {
    acquireMigrationLock: { value: async () => {} },
    releaseMigrationLock: { value: async () => {} },
  });
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const lockFreeExecutor = new Proxy(executor, {
    get: (target, prop) => (prop === 'adapter' ? adapter : bound(target, prop)),
  });
  return new Proxy(trx, {
    get: (target, prop) => (prop === 'getExecutor' ? () => lockFreeExecutor : bound(target, prop)),
  });
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

// The one runner the CLI (`usersync migrate`, `npm run db:migrate`) and the API (on start) share.
export { describeApplied, describePending, PendingMigrationsError, prepareSchema } from './prepare-schema.ts';
