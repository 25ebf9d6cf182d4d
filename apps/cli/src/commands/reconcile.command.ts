import type { ClerkUserSource, ReconcileSummary } from '@usersync/core/reconcile';
import { reconcileUsers } from '@usersync/core/reconcile';
import { clerkBackendUserSource, type RetryPolicy } from '../clerk/clerk-backend-user-source.ts';
import { type CommandContext, confirmDestructive, syncOptions } from '../command-context.ts';
import { requireClerkSecretKey } from '../env.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { createProgressReporter } from '../output/progress-reporter.ts';

export interface ReconcileCommandOptions {
  apply?: boolean;
  deactivateMissing?: boolean;
  force?: boolean;
  /** --apply --deactivate-missing --force without asking. */
  yes?: boolean;
  json?: boolean;
  /** Tests: a shorter retry policy. */
  retry?: Partial<RetryPolicy>;
  /** Tests: read Clerk from somewhere else than the Backend API. */
  source?: ClerkUserSource;
}

export type ReconcileReport = ReconcileSummary & {
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
  if (options.apply && options.deactivateMissing && options.force) {
    await confirmDestructive(
      ctx,
      'reconcile --apply --deactivate-missing --force deactivates every active user this Clerk instance does not list, even when most of them are missing (a CLERK_SECRET_KEY for another instance looks like that)',
      options.yes,
    );
  }
  const progress = createProgressReporter(ctx.io);
  let retries = 0;
  const source =
    options.source ??
    clerkBackendUserSource({
      secretKey: requireClerkSecretKey(ctx.config),
      apiUrl: ctx.config.clerkApiUrl,
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
  const started = performance.now();
  let summary: ReconcileSummary;
  try {
    summary = await reconcileUsers(db, source, {
      ...syncOptions(ctx.config),
      apply: options.apply,
      deactivateMissing: options.deactivateMissing,
      force: options.force,
      signal: ctx.signal,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
  }
  const durationMs = Math.round(performance.now() - started);
  const report: ReconcileReport = {
    ...summary,
    database: description,
    durationMs,
    usersPerSecond:
      durationMs === 0 ? summary.clerkUsers : Math.round((summary.clerkUsers * 1000) / durationMs),
  };
  if (options.json) ctx.io.out(JSON.stringify(report, null, 2));
  else printReport(ctx, report, options);
  return { exitCode: summary.refused ? EXIT.refused : EXIT.ok, report };
}

function printReport(ctx: CommandContext, r: ReconcileReport, options: ReconcileCommandOptions): void {
  const out = (label: string, value: number | string, note = '') =>
    ctx.io.out(`  ${label.padEnd(20)}${String(value).padStart(8)}${note ? `  ${note}` : ''}`);
  const did = r.mode === 'apply' && !r.refused;
  ctx.io.out(
    `${did ? 'Reconciled' : 'Compared'} Clerk with ${r.database}${did ? '' : ' (dry run: nothing written)'}`,
  );
  out('Clerk users', r.clerkUsers);
  out('Database users', r.databaseUsers, 'active');
  out(did ? 'Created' : 'To create', r.counts.create);
  out(did ? 'Updated' : 'To update', r.counts.update);
  out('Unchanged', r.counts.unchanged);
  if (r.counts.newerInDatabase)
    out('Newer in database', r.counts.newerInDatabase, 'a webhook got there first: kept');
  if (r.counts.deletedInDatabase)
    out('Deleted here', r.counts.deletedInDatabase, 'deletion is final: kept deleted');
  if (r.counts.reactivate) out(did ? 'Reactivated' : 'To reactivate', r.counts.reactivate, 'back in Clerk');
  if (r.counts.invalid) out('Invalid in Clerk', r.counts.invalid, 'not stored; see below');
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
  ctx.io.out(`Took ${(r.durationMs / 1000).toFixed(1)} s (${r.usersPerSecond} users/s).`);
  if (r.mode === 'dry-run') ctx.io.out('Dry run: nothing was written. Re-run with --apply to write.');
}
