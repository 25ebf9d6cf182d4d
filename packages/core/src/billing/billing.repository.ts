import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';
import type { BillingSubscriptionItemRow, BillingSubscriptionRow } from '../db/schema.ts';

// Reads of the Clerk Billing mirror (billing_subscriptions, billing_subscription_items; decision 182).
// Writes go through the SQL rules of the webhook path (usersync_write_billing_subscription*).

/** A payer's current plan, as the profile, the CLI and the console show it. */
export interface CurrentPlan {
  slug: string | null;
  name: string | null;
  /** The item's status: active | past_due | canceled (still running until periodEnd). */
  status: string;
  periodEnd: Date | null;
}

export type PayerRef = { clerkUserId: string } | { clerkOrganizationId: string };

// The current item of a payer: active or past due, or canceled but still inside its paid period
// (Clerk keeps a canceled plan until period_end); upcoming, ended, abandoned, expired and incomplete
// items are not current. Several current items (a plan change in flight): active first, then past due,
// then canceled; the latest period start among equals.
const CURRENT = sql<boolean>`(i.status IN ('active', 'past_due')
  OR (i.status = 'canceled' AND (i.period_end IS NULL OR i.period_end > now())))`;
const CURRENT_ORDER = sql`CASE i.status WHEN 'active' THEN 0 WHEN 'past_due' THEN 1 ELSE 2 END,
  i.period_start DESC NULLS LAST, i.clerk_id`;

/** The payer column of the billing tables, and the Clerk id to look for in it. */
function payerColumn(payer: PayerRef) {
  return 'clerkUserId' in payer
    ? (['clerk_user_id', payer.clerkUserId] as const)
    : (['clerk_organization_id', payer.clerkOrganizationId] as const);
}

interface PlanRow {
  payer: string;
  plan_slug: string | null;
  plan_name: string | null;
  status: string;
  period_end: Date | string | null;
}

function toPlan(row: PlanRow): CurrentPlan {
  return {
    slug: row.plan_slug,
    name: row.plan_name,
    status: row.status,
    periodEnd: row.period_end === null ? null : new Date(row.period_end),
  };
}

/**
 * The current plan of a user and of each organization they are a member of, in one query:
 * `user` is theirs (null: none), `organizations` maps an organization's Clerk id to its plan.
 */
export async function currentPlansOfUser(
  db: Db,
  clerkUserId: string,
): Promise<{ user: CurrentPlan | null; organizations: Map<string, CurrentPlan> }> {
  const { rows } = await sql<PlanRow>`
    SELECT DISTINCT ON (payer) coalesce(i.clerk_user_id, i.clerk_organization_id) AS payer,
      i.plan_slug, i.plan_name, i.status, i.period_end
    FROM billing_subscription_items i
    WHERE (i.clerk_user_id = ${clerkUserId}
      OR i.clerk_organization_id IN (
        SELECT m.clerk_organization_id FROM organization_memberships m WHERE m.clerk_user_id = ${clerkUserId}))
      AND ${CURRENT}
    ORDER BY payer, ${CURRENT_ORDER}
  `.execute(db);
  let user: CurrentPlan | null = null;
  const organizations = new Map<string, CurrentPlan>();
  for (const row of rows) {
    if (row.payer === clerkUserId) user = toPlan(row);
    else organizations.set(row.payer, toPlan(row));
  }
  return { user, organizations };
}

/** One payer's current plan (null: none). */
export async function currentPlanOf(db: Db, payer: PayerRef): Promise<CurrentPlan | null> {
  const [column, id] = payerColumn(payer);
  const { rows } = await sql<PlanRow>`
    SELECT ${sql.ref(`i.${column}`)} AS payer, i.plan_slug, i.plan_name, i.status, i.period_end
    FROM billing_subscription_items i
    WHERE ${sql.ref(`i.${column}`)} = ${id} AND ${CURRENT}
    ORDER BY ${CURRENT_ORDER}
    LIMIT 1
  `.execute(db);
  return rows[0] ? toPlan(rows[0]) : null;
}

/** Everything stored about one payer's billing (export, console). */
export async function billingOfPayer(
  db: Db,
  payer: PayerRef,
): Promise<{ subscriptions: BillingSubscriptionRow[]; items: BillingSubscriptionItemRow[] }> {
  const [column, id] = payerColumn(payer);
  const [subscriptions, items] = await Promise.all([
    db
      .selectFrom('billing_subscriptions')
      .selectAll()
      .where(column, '=', id)
      .orderBy('clerk_updated_at', 'desc')
      .execute(),
    db
      .selectFrom('billing_subscription_items')
      .selectAll()
      .where(column, '=', id)
      .orderBy('clerk_updated_at', 'desc')
      .execute(),
  ]);
  return { subscriptions, items };
}

/**
 * Payers (users and organizations) past due now: their subscription or one of its items says so
 * (Clerk sends both subscription.pastDue and subscriptionItem.pastDue; either may arrive first).
 */
export async function countPastDuePayers(db: Db): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    SELECT count(*) AS count FROM (
      SELECT coalesce(clerk_user_id, clerk_organization_id) AS payer FROM billing_subscriptions
      WHERE status = 'past_due'
      UNION
      SELECT coalesce(clerk_user_id, clerk_organization_id) FROM billing_subscription_items
      WHERE status = 'past_due' AND coalesce(clerk_user_id, clerk_organization_id) IS NOT NULL
    ) p
  `.execute(db);
  return Number(rows[0]!.count);
}
