import { hostname } from 'node:os';
import type { Db } from '../db/create-database.ts';
import type { ReconcileKind, ReconcileRunRow, ReconcileTrigger } from '../db/schema.ts';
import {
  type ClerkUserSource,
  type ReconcileOptions,
  type ReconcileSummary,
  reconcileUsers,
} from '../reconcile/reconcile-users.ts';
import { withReconcileLock } from './reconcile-lock.ts';
import {
  type FinishedReconcileRun,
  finishReconcileRun,
  insertReconcileRun,
  interruptAbandonedRuns,
} from './reconcile-run.repository.ts';

export interface RecordedReconcileOptions extends Omit<ReconcileOptions, 'incremental'> {
  trigger: ReconcileTrigger;
  kind: ReconcileKind;
  /**
   * Incremental: the instant the source lists users from (recorded as the run's `since`). A function
   * is asked while holding the lock, so it sees the watermark of a run that has just finished.
   */
  since?: Date | ((db: Db) => Promise<Date>);
  /**
   * Asked while holding the lock, before the run row is written: false skips the run (the scheduler
   * uses it so a slot another replica already served is not run twice).
   */
  shouldRun?: (db: Db) => Promise<boolean>;
  /** How long the run's lease lasts unrenewed (RECONCILE_LEASE_SECONDS; default 60 s). */
  leaseMs?: number;
}

export type RecordedReconcileResult =
  | { outcome: 'ran'; run: ReconcileRunRow; summary: ReconcileSummary }
  | { outcome: 'busy' }
  | { outcome: 'skipped' };

/** Another reconcile run holds the lock (another replica's schedule, or a CLI run). */
export class ReconcileBusyError extends Error {
  constructor() {
    super('another reconcile run is in progress on this database; try again when it has finished');
    this.name = 'ReconcileBusyError';
  }
}

/**
 * Runs reconcile under the reconcile lock and records it in reconcile_runs: one row per run, `running`
 * while it works, then `succeeded`, `refused` (wrong-instance guard), `failed` (with the error) or
 * `interrupted` (aborted, e.g. SIGTERM: stops between pages, so no page is half written). A failed or
 * interrupted run rethrows after recording. Rows left `running` by a killed process are marked
 * `interrupted` by the next run.
 */
export async function runRecordedReconcile(
  db: Db,
  sourceFor: (since: Date | null) => ClerkUserSource,
  options: RecordedReconcileOptions,
): Promise<RecordedReconcileResult> {
  const { kind } = options;
  if (kind === 'incremental' && !options.since) throw new Error('an incremental reconcile needs since');
  const locked = await withReconcileLock(
    db,
    async (leaseLost): Promise<RecordedReconcileResult> => {
      await interruptAbandonedRuns(db);
      if (options.shouldRun && !(await options.shouldRun(db))) return { outcome: 'skipped' };
      const since =
        kind === 'full'
          ? null
          : typeof options.since === 'function'
            ? await options.since(db)
            : (options.since ?? null);
      const run = await insertReconcileRun(db, {
        kind,
        trigger: options.trigger,
        dryRun: !options.apply,
        since,
        runner: `${hostname()}:${process.pid}`,
      });
      let summary: ReconcileSummary;
      try {
        summary = await reconcileUsers(db, sourceFor(since), {
          ...options,
          // A run that lost its lease stops between pages, as a stopped one does.
          signal: options.signal ? AbortSignal.any([options.signal, leaseLost]) : leaseLost,
          incremental: kind === 'incremental',
        });
      } catch (error) {
        const aborted =
          options.signal?.aborted || leaseLost.aborted || (error as Error | null)?.name === 'AbortError';
        await finishReconcileRun(db, run.id, {
          status: aborted ? 'interrupted' : 'failed',
          usersRead: 0,
          counts: {},
          driftFound: 0,
          error: leaseLost.aborted
            ? `stopped: ${(leaseLost.reason as Error).message} (committed pages stay)`
            : aborted
              ? 'stopped before it finished (committed pages stay)'
              : describe(error),
          setWatermark: false,
        }).catch(() => {});
        throw error;
      }
      const finished = await finishReconcileRun(db, run.id, recordOf(summary, kind));
      return { outcome: 'ran', run: finished, summary };
    },
    { leaseMs: options.leaseMs },
  );
  return locked.acquired ? locked.value : { outcome: 'busy' };
}

/** What the row records of a summary; drift is what differed between Clerk and the database. */
export function recordOf(summary: ReconcileSummary, kind: ReconcileKind): FinishedReconcileRun {
  const { counts } = summary;
  // A full run also sees users Clerk no longer has (a missed user.deleted); an incremental one cannot.
  const missing = kind === 'full' ? summary.missingFromClerk : 0;
  return {
    status: summary.refused ? 'refused' : 'succeeded',
    usersRead: summary.clerkUsers,
    counts: {
      users: {
        ...counts,
        missingFromClerk: missing,
        deactivated: summary.deactivated,
      },
    },
    driftFound: counts.create + counts.update + counts.reactivate + missing,
    error: summary.refused
      ? 'refused by the wrong-instance guard: most database users are unknown to Clerk'
      : null,
    setWatermark: summary.mode === 'apply' && !summary.refused,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
