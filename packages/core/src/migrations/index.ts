import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as initial from './2026_11_21_0001_initial.ts';
import * as writeRulesInSql from './2026_11_30_0100_write_rules_in_sql.ts';
import * as organizations from './2026_11_30_0200_organizations.ts';
import * as reconcileRuns from './2026_11_30_0300_reconcile_runs.ts';
import * as auditLog from './2026_11_30_0400_audit_log.ts';
import * as deliveriesTogether from './2026_11_30_0500_deliveries_together.ts';
import * as setBasedUserWrites from './2026_11_30_0600_set_based_user_writes.ts';
import * as userBans from './2026_12_07_0810_user_bans.ts';
import * as deliveryPayloadPrivacy from './2026_12_07_0820_delivery_payload_privacy.ts';
import * as billing from './2026_12_07_0830_billing.ts';

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
  '2026_12_07_0810_user_bans': userBans,
  '2026_12_07_0820_delivery_payload_privacy': deliveryPayloadPrivacy,
  '2026_12_07_0830_billing': billing,
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
  return unwrap(await migratorFor(db).migrateToLatest());
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

// The one runner the CLI (`usersync migrate`, `npm run db:migrate`) and the API (on start) share.
export { describeApplied, describePending, PendingMigrationsError, prepareSchema } from './prepare-schema.ts';
