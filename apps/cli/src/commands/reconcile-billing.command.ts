import {
  type BillingReconcileReport,
  type ClerkBillingSource,
  clerkBackendBillingSource,
  clerkRateLimit,
  reconcileBilling,
} from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { requireClerkSecretKey } from '../env.ts';
import { createProgressReporter } from '../output/progress-reporter.ts';

/**
 * `usersync reconcile --only billing`: each active user's and organization's Clerk Billing subscription,
 * one Backend API call per payer under half of the instance's rate limit (sk_live_ 500 / 10 s, sk_test_
 * 50 / 10 s; 429s wait for Retry-After); dry run unless --apply (decision 182).
 */
export async function reconcileBillingSection(
  ctx: CommandContext,
  options: { apply?: boolean; source?: ClerkBillingSource },
): Promise<BillingReconcileReport> {
  const { db } = await ctx.database();
  const progress = createProgressReporter(ctx.io, { noun: 'payers' });
  const secretKey = options.source ? null : requireClerkSecretKey(ctx.config.clerk);
  const source =
    options.source ??
    clerkBackendBillingSource({
      secretKey: secretKey as string,
      apiUrl: ctx.config.clerk.apiUrl,
      requestsPer10s: clerkRateLimit(secretKey as string).reconcileShare,
      onRetry: ({ status, waitMs }) =>
        progress.note(
          `Clerk answered ${status ?? 'with a network error'}; retrying in ${(waitMs / 1000).toFixed(1)} s`,
        ),
    });
  try {
    return await reconcileBilling(db, source, {
      apply: options.apply,
      signal: ctx.signal,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
  }
}

export function printBillingReport(ctx: CommandContext, report: BillingReconcileReport): void {
  const out = (label: string, value: number, note = '') =>
    ctx.io.out(`  ${label.padEnd(20)}${String(value).padStart(8)}${note ? `  ${note}` : ''}`);
  const did = report.mode === 'apply';
  ctx.io.out(`Billing${did ? '' : ' (dry run: nothing written)'}`);
  out('Payers asked', report.payers, 'active users and organizations, one Clerk call each');
  out('No subscription', report.withoutSubscription);
  out(did ? 'Created' : 'To create', report.counts.create);
  out(did ? 'Updated' : 'To update', report.counts.update);
  out('Unchanged', report.counts.unchanged);
  if (report.counts.newerInDatabase)
    out('Newer in database', report.counts.newerInDatabase, 'a webhook got there first: kept');
  if (report.counts.invalid) out('Invalid in Clerk', report.counts.invalid, 'not stored; see below');
  for (const invalid of report.invalid) ctx.io.out(`  invalid ${invalid.payer}: ${invalid.reason}`);
}
