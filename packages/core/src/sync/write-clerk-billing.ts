import type { Db } from '../db/create-database.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { BillingSubscriptionFields } from './map-clerk-billing.ts';

// The rule itself is SQL (usersync_write_billing_subscription.sql): the ordering guard on
// clerk_updated_at, then each item under its own guard. Webhooks reach it through the dispatch table;
// billing reconcile through here.
const WRITE_SUBSCRIPTION: PreparedStatement = {
  name: 'usersync_write_billing_subscription',
  text: 'SELECT usersync_write_billing_subscription($1::jsonb) AS outcome',
};

export type BillingWriteOutcome = 'created' | 'updated' | 'unchanged' | 'stale';

/** Writes one subscription and its items through the webhook rule, in one statement. */
export async function writeBillingSubscription(
  db: Db,
  fields: BillingSubscriptionFields,
): Promise<BillingWriteOutcome> {
  const rows = await runPrepared<{ outcome: BillingWriteOutcome }>(db, WRITE_SUBSCRIPTION, [
    JSON.stringify(fields),
  ]);
  return rows[0]!.outcome;
}
