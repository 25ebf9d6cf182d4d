import {
  type ClerkListSource,
  clerkBackendOrganizationSource,
  clerkErrorStatus,
  type KindReconcileSummary,
  type OrganizationReconcileKind,
  type RetryPolicy,
  reconcileOrganizationKind,
} from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { requireClerkSecretKey } from '../env.ts';
import { createProgressReporter } from '../output/progress-reporter.ts';
import { printCounts, reportLine } from '../output/report-lines.ts';

// billing only when asked for by name (--only billing): one Clerk call per payer.
export const RECONCILE_KINDS = ['users', 'organizations', 'memberships', 'billing'] as const;
export type ReconcileKind = (typeof RECONCILE_KINDS)[number];

export type OrganizationKindReport =
  | KindReconcileSummary
  /** The instance answered 403/404: organizations are not enabled there. */
  | { kind: OrganizationReconcileKind; skipped: string };

export interface OrganizationKindsOptions {
  apply?: boolean;
  force?: boolean;
  /** The kind was asked for by name (--only): a Clerk refusal is an error rather than a skipped section. */
  explicit?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Tests: read Clerk from somewhere else than the Backend API. */
  sources?: Partial<Record<OrganizationReconcileKind, ClerkListSource>>;
}

/** Reconciles organizations, then memberships (so a membership finds its organization), each on its own. */
export async function reconcileOrganizationKinds(
  ctx: CommandContext,
  kinds: readonly OrganizationReconcileKind[],
  options: OrganizationKindsOptions,
): Promise<OrganizationKindReport[]> {
  const { db } = await ctx.database();
  const reports: OrganizationKindReport[] = [];
  for (const kind of kinds) {
    const progress = createProgressReporter(ctx.io, { noun: kind });
    const source =
      options.sources?.[kind] ??
      clerkBackendOrganizationSource(kind, {
        secretKey: requireClerkSecretKey(ctx.config.clerk),
        apiUrl: ctx.config.clerk.apiUrl,
        retry: options.retry,
        onRetry: ({ status, waitMs }) =>
          progress.note(
            `Clerk answered ${status ?? 'with a network error'}; retrying in ${(waitMs / 1000).toFixed(1)} s`,
          ),
      });
    try {
      reports.push(
        await reconcileOrganizationKind(db, kind, source, {
          apply: options.apply,
          force: options.force,
          signal: ctx.signal,
          onProgress: ({ phase, done, total }) => progress.update({ phase, done, total }),
        }),
      );
    } catch (error) {
      const status = clerkErrorStatus(error);
      if (options.explicit || (status !== 403 && status !== 404)) throw error;
      reports.push({
        kind,
        skipped: `Clerk answered ${status}: organizations are not enabled for this instance`,
      });
    } finally {
      progress.stop();
    }
  }
  return reports;
}

export function printOrganizationKindReport(ctx: CommandContext, report: OrganizationKindReport): void {
  const title = report.kind === 'organizations' ? 'Organizations' : 'Memberships';
  if ('skipped' in report) {
    ctx.io.out(`${title}: skipped (${report.skipped})`);
    return;
  }
  const out = reportLine(ctx);
  const did = report.mode === 'apply' && !report.refused;
  ctx.io.out(`${title}${did ? '' : ' (dry run: nothing written)'}`);
  out(`In Clerk`, report.clerkObjects);
  out(`In database`, report.databaseObjects, report.kind === 'organizations' ? 'active' : 'current');
  printCounts(out, report.counts, did);
  out(
    'Not in Clerk',
    report.missingFromClerk,
    report.missingFromClerk ? 'kept (only a webhook delete ends them)' : '',
  );
  for (const invalid of report.invalidObjects)
    ctx.io.out(`  invalid ${invalid.clerkId ?? '(no id)'}: ${invalid.reason}`);
  if (report.refused) {
    ctx.io.err(
      `Refused (${title.toLowerCase()}): ${Math.round(report.guard.unknownShare * 100)}% of them are not in Clerk (limit ${Math.round(report.guard.threshold * 100)}%). CLERK_SECRET_KEY is probably for another Clerk instance. Nothing was written; pass --force if this is intended.`,
    );
  }
}
