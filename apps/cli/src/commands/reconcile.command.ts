import type { ClerkUserSource, ReconcileRunRow, ReconcileSummary } from '@usersync/core/internal';
import {
  clerkBackendUserSource,
  parseSince,
  type RetryPolicy,
  resolveSince,
  runRecordedReconcile,
} from '@usersync/core/internal';
import { type CommandContext, confirmDestructive } from '../command-context.ts';
import { requireClerkSecretKey } from '../env.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { createProgressReporter } from '../output/progress-reporter.ts';
import { printCounts, reportLine } from '../output/report-lines.ts';

export interface ReconcileCommandOptions {
  apply?: boolean;
  deactivateMissing?: boolean;
  force?: boolean;
  /** Incremental: `<ISO date|duration|last>`; only users updated since then are read. */
  since?: string;
  /** --apply --deactivate-missing --force without asking. */
  yes?: boolean;
  json?: boolean;
  /** Leave the report to the caller (reconcile of several kinds prints one report). */
  print?: boolean;
  /** Tests: a shorter retry policy. */
  retry?: Partial<RetryPolicy>;
  /** Tests: read Clerk from somewhere else than the Backend API. */
  source?: ClerkUserSource;
}

export type ReconcileReport = ReconcileSummary & {
  /** The reconcile_runs row this run wrote. */
  runId: string;
  kind: ReconcileRunRow['kind'];
  /** Incremental: users updated at or after this instant were read. */
  since: string | null;
  driftFound: number;
  durationMs: number;
  usersPerSecond: number;
  database: string;
};

/**
 * `usersync reconcile` (alias `backfill`): compares every Clerk user with the database and, with
 * --apply, writes the differences through core's rules. Returns the exit code; the summary goes to
 * stdout (JSON with --json), progress and retries to stderr.
 */
export async function reconcileCommand(
  ctx: CommandContext,
  options: ReconcileCommandOptions,
): Promise<{ exitCode: ExitCode; report: ReconcileReport }> {
  const spec = options.since === undefined ? null : parseSince(options.since);
  if (options.since !== undefined && !spec) {
    throw new CliError(
      `--since ${options.since}: use an ISO date (2026-11-30T12:00:00Z), a duration back from now (15m, 6h, 7d) or last`,
      EXIT.usage,
    );
  }
  if (options.apply && options.deactivateMissing && options.force) {
    await confirmDestructive(
      ctx,
      'reconcile --apply --deactivate-missing --force deactivates every active user this Clerk instance does not list, even when most of them are missing (a CLERK_SECRET_KEY for another instance looks like that)',
      options.yes,
    );
  }
  const progress = createProgressReporter(ctx.io);
  let retries = 0;
  const secretKey = options.source ? '' : requireClerkSecretKey(ctx.config.clerk);
  const sourceFor = (since: Date | null): ClerkUserSource =>
    options.source ??
    clerkBackendUserSource({
      secretKey,
      apiUrl: ctx.config.clerk.apiUrl,
      since: since ?? undefined,
      retry: options.retry,
      onRetry: ({ status, waitMs }) => {
        retries += 1;
        // Every 429 is worth a line in a log; a storm of them is worth one every so often.
        if (retries <= 5 || retries % 50 === 0) {
          progress.note(
            `Clerk answered ${status ?? 'with a network error'}; retrying in ${(waitMs / 1000).toFixed(1)} s (retry #${retries})`,
          );
        }
      },
    });
  const { db, description } = await ctx.database();
  const since = spec ? await resolveSince(db, spec) : null;
  if (spec && !since) {
    throw new CliError(
      '--since last: no reconcile run has been applied yet, so there is no watermark; run `usersync reconcile --apply` (a full run) first',
      EXIT.usage,
    );
  }
  const started = performance.now();
  let summary: ReconcileSummary;
  let run: ReconcileRunRow;
  try {
    const result = await runRecordedReconcile(db, sourceFor, {
      ...ctx.config.sync,
      trigger: 'cli',
      kind: since ? 'incremental' : 'full',
      since: since ?? undefined,
      apply: options.apply,
      deactivateMissing: options.deactivateMissing,
      force: options.force,
      signal: ctx.signal,
      leaseMs: ctx.config.reconcileLeaseMs,
      onProgress: (p) => progress.update(p),
    });
    if (result.outcome !== 'ran') {
      throw new CliError(
        'another reconcile run is in progress on this database (a scheduled one in the API, or another usersync); see `usersync reconcile runs`, and try again when it has finished',
        EXIT.failure,
      );
    }
    ({ summary, run } = result);
  } finally {
    progress.stop();
  }
  const durationMs = Math.round(performance.now() - started);
  const report: ReconcileReport = {
    ...summary,
    runId: run.id,
    kind: run.kind,
    since: run.since?.toISOString() ?? null,
    driftFound: run.drift_found,
    database: description,
    durationMs,
    usersPerSecond:
      durationMs === 0 ? summary.clerkUsers : Math.round((summary.clerkUsers * 1000) / durationMs),
  };
  if (options.print !== false) {
    if (options.json) ctx.io.out(JSON.stringify(report, null, 2));
    else printReport(ctx, report, options);
  }
  return { exitCode: summary.refused ? EXIT.refused : EXIT.ok, report };
}

export function printReport(ctx: CommandContext, r: ReconcileReport, options: ReconcileCommandOptions): void {
  const out = reportLine(ctx);
  const did = r.mode === 'apply' && !r.refused;
  ctx.io.out(
    `${did ? 'Reconciled' : 'Compared'} Clerk with ${r.database}${did ? '' : ' (dry run: nothing written)'}` +
      (r.since ? `: users updated since ${r.since}` : ''),
  );
  out(r.since ? 'Clerk users updated' : 'Clerk users', r.clerkUsers);
  if (!r.since) out('Database users', r.databaseUsers, 'active');
  printCounts(out, r.counts, did);
  if (!r.since)
    out(
      'Not in Clerk',
      r.missingFromClerk,
      r.missingFromClerk === 0
        ? ''
        : did && options.deactivateMissing
          ? `${r.deactivated} deactivated, ${r.missingButFoundInClerk} still in Clerk (kept)`
          : 'kept active (--apply --deactivate-missing deactivates them)',
    );
  for (const invalid of r.invalidUsers)
    ctx.io.out(`  invalid ${invalid.clerkId ?? '(no id)'}: ${invalid.reason}`);
  const share = `${Math.round(r.guard.unknownShare * 100)}% of active database users are not in Clerk`;
  if (r.refused) {
    ctx.io.err(
      `Refused: ${share} (limit ${Math.round(r.guard.threshold * 100)}%). CLERK_SECRET_KEY is probably for another ` +
        'Clerk instance than this database. Nothing was written. Check the key, or pass --force if this is intended.',
    );
  } else if (r.guard.tripped) {
    ctx.io.err(`Warning: ${share}${r.guard.forced ? ' (--force given)' : ''}.`);
  }
  ctx.io.out(
    `Drift found: ${r.driftFound}. Took ${(r.durationMs / 1000).toFixed(1)} s (${r.usersPerSecond} users/s). Recorded as run ${r.runId}.`,
  );
  if (r.since) ctx.io.out('Incremental: deletions in Clerk are found by a full run (without --since).');
  if (r.mode === 'dry-run') ctx.io.out('Dry run: nothing was written. Re-run with --apply to write.');
}
