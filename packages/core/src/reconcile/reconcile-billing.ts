import { sql } from 'kysely';
import type { PayerRef } from '../billing/billing.repository.ts';
import type { Db } from '../db/create-database.ts';
import { InvalidClerkPayloadError } from '../sync/errors.ts';
import { type BillingSubscriptionFields, mapBackendSubscription } from '../sync/map-clerk-billing.ts';
import { writeBillingSubscription } from '../sync/write-clerk-billing.ts';
import type { ReconcileProgress } from './reconcile-users.ts';

/**
 * What @clerk/backend's BillingSubscription resource carries that the billing tables hold (the Backend
 * API's REST shape: its items have their own updated_at).
 */
export interface BackendBillingSubscription {
  id: string;
  status: string;
  updatedAt: number;
  activeAt: number | null;
  pastDueAt: number | null;
  subscriptionItems: Array<{
    id: string;
    status: string;
    planPeriod: string | null;
    periodStart: number | null;
    periodEnd: number | null;
    canceledAt: number | null;
    pastDueAt: number | null;
    updatedAt: number;
    plan: { slug: string; name: string } | null;
  }>;
}

/** Where billing reconcile reads Clerk from: one call per payer (the Backend API, or a test's stand-in). */
export interface ClerkBillingSource {
  subscriptionOf(payer: PayerRef, signal?: AbortSignal): Promise<BackendBillingSubscription | null>;
}

export interface BillingReconcileReport {
  kind: 'billing';
  mode: 'dry-run' | 'apply';
  /** Payers asked (active users and organizations here), one Backend API call each. */
  payers: number;
  /** Payers Clerk has no subscription for. */
  withoutSubscription: number;
  counts: { create: number; update: number; unchanged: number; newerInDatabase: number; invalid: number };
  invalid: Array<{ payer: string; reason: string }>;
}

const PAYER_PAGE = 500;

/** Active users, then active organizations, by Clerk id, a page at a time. */
async function* payers(db: Db): AsyncGenerator<PayerRef> {
  for (const table of ['users', 'organizations'] as const) {
    let after = '';
    for (;;) {
      const rows = await db
        .selectFrom(table)
        .select('clerk_id')
        .where('is_active', '=', true)
        .where('clerk_id', '>', after)
        .orderBy('clerk_id')
        .limit(PAYER_PAGE)
        .execute();
      for (const { clerk_id } of rows) {
        yield table === 'users' ? { clerkUserId: clerk_id } : { clerkOrganizationId: clerk_id };
      }
      if (rows.length < PAYER_PAGE) break;
      after = rows.at(-1)!.clerk_id;
    }
  }
}

/**
 * `usersync reconcile --only billing`: reads each payer's subscription from Clerk (one call per payer,
 * under the caller's rate limit) and compares it with billing_subscriptions by the same ordering key as
 * webhooks (clerk_updated_at); with `apply`, writes the differences through the same SQL rule
 * (usersync_write_billing_subscription), so nothing newer is overwritten. Never deletes.
 */
export async function reconcileBilling(
  db: Db,
  source: ClerkBillingSource,
  options: { apply?: boolean; signal?: AbortSignal; onProgress?: (progress: ReconcileProgress) => void } = {},
): Promise<BillingReconcileReport> {
  const { count } = await sql<{ count: string }>`
    SELECT (SELECT count(*) FROM users WHERE is_active) + (SELECT count(*) FROM organizations WHERE is_active) AS count
  `
    .execute(db)
    .then((r) => r.rows[0]!);
  const total = Number(count);
  const report: BillingReconcileReport = {
    kind: 'billing',
    mode: options.apply ? 'apply' : 'dry-run',
    payers: 0,
    withoutSubscription: 0,
    counts: { create: 0, update: 0, unchanged: 0, newerInDatabase: 0, invalid: 0 },
    invalid: [],
  };
  const phase = options.apply ? 'apply' : 'compare';
  options.onProgress?.({ phase, done: 0, total });
  for await (const payer of payers(db)) {
    options.signal?.throwIfAborted();
    report.payers += 1;
    const subscription = await source.subscriptionOf(payer, options.signal);
    if (!subscription) report.withoutSubscription += 1;
    else {
      let fields: BillingSubscriptionFields;
      try {
        fields = mapBackendSubscription(subscription, payer);
      } catch (error) {
        if (!(error instanceof InvalidClerkPayloadError)) throw error;
        report.counts.invalid += 1;
        report.invalid.push({
          payer: 'clerkUserId' in payer ? payer.clerkUserId : payer.clerkOrganizationId,
          reason: error.message,
        });
        continue;
      }
      const stored = await db
        .selectFrom('billing_subscriptions')
        .select('clerk_updated_at')
        .where('clerk_id', '=', fields.clerk_id)
        .executeTakeFirst();
      const version = new Date(fields.clerk_updated_at).getTime();
      const kind = !stored
        ? 'create'
        : version > stored.clerk_updated_at.getTime()
          ? 'update'
          : version === stored.clerk_updated_at.getTime()
            ? 'unchanged'
            : 'newerInDatabase';
      report.counts[kind] += 1;
      // Items may be behind even when the subscription is not: the write applies each under its guard.
      if (options.apply) await writeBillingSubscription(db, fields);
    }
    options.onProgress?.({ phase, done: report.payers, total });
  }
  return report;
}
