import type { ReconcileRunRow } from '@usersync/core/internal';
import { listReconcileRuns } from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { printTable } from '../output/table.ts';

/** `usersync reconcile runs`: the newest reconcile runs (CLI and scheduled), from reconcile_runs. */
export async function reconcileRunsCommand(
  ctx: CommandContext,
  options: { limit?: number; json?: boolean },
): Promise<ExitCode> {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CliError('--limit must be a whole number from 1 to 1000', EXIT.usage);
  }
  const { db } = await ctx.database();
  const runs = await listReconcileRuns(db, limit);
  if (options.json) {
    ctx.io.out(JSON.stringify({ runs }, null, 2));
    return EXIT.ok;
  }
  if (runs.length === 0) {
    ctx.io.out('No reconcile runs recorded yet.');
    return EXIT.ok;
  }
  printTable(
    ctx.io,
    ['started', 'kind', 'trigger', 'status', 'took', 'read', 'drift', 'written', 'since / error'],
    runs.map((run) => [
      run.started_at.toISOString(),
      run.kind,
      run.trigger,
      run.dry_run ? `${run.status} (dry run)` : run.status,
      run.finished_at
        ? `${((run.finished_at.getTime() - run.started_at.getTime()) / 1000).toFixed(1)} s`
        : '-',
      String(run.users_read),
      String(run.drift_found),
      run.dry_run ? '-' : String(written(run)),
      run.error ?? (run.since ? `since ${run.since.toISOString()}` : ''),
    ]),
  );
  ctx.io.out(`${runs.length} newest run(s), newest first.`);
  return EXIT.ok;
}

/** Users created, updated or reactivated by the run. */
function written(run: ReconcileRunRow): number {
  const users = (run.counts as { users?: Record<string, number> }).users ?? {};
  return (users.create ?? 0) + (users.update ?? 0) + (users.reactivate ?? 0);
}
