import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';
import type { ReconcileKind, ReconcileRunRow, ReconcileRunStatus, ReconcileTrigger } from '../db/schema.ts';

// The SQL that reads and writes reconcile_runs. Column names are a contract (docs/observability.md):
// the admin console, /api/health and the metrics read them.

export interface NewReconcileRun {
  kind: ReconcileKind;
  trigger: ReconcileTrigger;
  dryRun: boolean;
  since: Date | null;
  runner: string;
}

export async function insertReconcileRun(db: Db, run: NewReconcileRun): Promise<ReconcileRunRow> {
  return db
    .insertInto('reconcile_runs')
    .values({
      kind: run.kind,
      trigger: run.trigger,
      dry_run: run.dryRun,
      since: run.since,
      runner: run.runner,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface FinishedReconcileRun {
  status: Exclude<ReconcileRunStatus, 'running'>;
  usersRead: number;
  counts: Record<string, Record<string, number>>;
  driftFound: number;
  error: string | null;
  /** Set for a succeeded applied run: its own start (see ReconcileRunsTable.watermark). */
  setWatermark: boolean;
}

export async function finishReconcileRun(
  db: Db,
  id: string,
  run: FinishedReconcileRun,
): Promise<ReconcileRunRow> {
  return db
    .updateTable('reconcile_runs')
    .set((eb) => ({
      status: run.status,
      finished_at: sql<Date>`now()`,
      users_read: run.usersRead,
      counts: JSON.stringify(run.counts),
      drift_found: run.driftFound,
      error: run.error?.slice(0, 2000) ?? null,
      watermark: run.setWatermark ? eb.ref('started_at') : null,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Runs still marked running whose process is gone (killed, crashed). Called by the holder of the
 * reconcile lock, which no live run can be without: every other `running` row is abandoned.
 */
export async function interruptAbandonedRuns(db: Db): Promise<number> {
  const result = await db
    .updateTable('reconcile_runs')
    .set({
      status: 'interrupted',
      finished_at: sql<Date>`now()`,
      error: 'the process running it stopped before it finished',
    })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The newest runs first. */
export async function listReconcileRuns(db: Db, limit = 20): Promise<ReconcileRunRow[]> {
  return db.selectFrom('reconcile_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
}

/** Where `--since last` starts: the newest watermark (succeeded applied run, full or incremental). */
export async function latestWatermark(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('reconcile_runs')
    .select((eb) => eb.fn.max('watermark').as('watermark'))
    .executeTakeFirst();
  return row?.watermark ?? null;
}

/** The newest run that finished (any status but running), of any kind. */
export async function latestFinishedRun(db: Db): Promise<ReconcileRunRow | null> {
  return (
    (await db
      .selectFrom('reconcile_runs')
      .selectAll()
      .where('finished_at', 'is not', null)
      .orderBy('finished_at', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

/** Whether a scheduled run of this kind started at or after `since` (one run per schedule slot). */
export async function scheduledRunStartedSince(db: Db, kind: ReconcileKind, since: Date): Promise<boolean> {
  const row = await db
    .selectFrom('reconcile_runs')
    .select('id')
    .where('trigger', '=', 'schedule')
    .where('kind', '=', kind)
    .where('started_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Per kind, the newest finished run's time and drift (for the metrics). */
export async function latestFinishedRunPerKind(
  db: Db,
): Promise<
  Array<{ kind: ReconcileKind; finished_at: Date; drift_found: number; status: ReconcileRunStatus }>
> {
  const rows = await db
    .selectFrom('reconcile_runs')
    .select(['kind', 'finished_at', 'drift_found', 'status'])
    .distinctOn('kind')
    .where('finished_at', 'is not', null)
    .orderBy('kind')
    .orderBy('finished_at', 'desc')
    .execute();
  return rows.flatMap((r) => (r.finished_at ? [{ ...r, finished_at: r.finished_at }] : []));
}
