import {
  BILLING_PAYMENT_ATTEMPT_EVENT_TYPES,
  BILLING_SUBSCRIPTION_EVENT_TYPES,
  BILLING_SUBSCRIPTION_ITEM_EVENT_TYPES,
} from '../clerk/clerk-billing-payloads.ts';
import type { ClerkWebhookEnvelope } from '../clerk/clerk-payloads.ts';
import { mapClerkSubscription, mapClerkSubscriptionItem } from './map-clerk-billing.ts';
import { invalidOn } from './organization-event-handlers.ts';

// The Clerk Billing rows of the write path's dispatch table (decisions 070, 182): each event type is
// validated and mapped here and applied by its SQL handler (billing_subscription.upsert,
// billing_subscription_item.upsert) in the one statement of its delivery.

type Prepared =
  | { kind: string; lockKey: string; lockKeys?: string[]; data: object }
  | { invalid: string }
  | { ignored: string };

export const billingSubscriptionLockKey = (id: string) => `usersync:billing_subscription:${id}`;
export const billingSubscriptionItemLockKey = (id: string) => `usersync:billing_subscription_item:${id}`;

// A subscription and each of its items, every one under its own lock (taken first, in one order).
const prepareSubscription = invalidOn((envelope) => {
  const fields = mapClerkSubscription(envelope.data);
  return {
    kind: 'billing_subscription.upsert',
    lockKey: billingSubscriptionLockKey(fields.clerk_id),
    lockKeys: fields.items.map((item) => billingSubscriptionItemLockKey(item.clerk_id)),
    data: fields,
  };
});

const prepareSubscriptionItem = invalidOn((envelope) => {
  const fields = mapClerkSubscriptionItem(envelope.data, envelope.timestamp);
  return {
    kind: 'billing_subscription_item.upsert',
    lockKey: billingSubscriptionItemLockKey(fields.clerk_id),
    data: fields,
  };
});

// Payment attempts are recorded (the delivery log keeps them, answered 2xx) and not mirrored: the
// subscription's own status (past_due) already says what the console shows (decision 182).
const preparePaymentAttempt = (): Prepared => ({
  ignored: 'payment attempts are recorded in the delivery log, not mirrored into a table',
});

export const BILLING_EVENT_HANDLERS: Readonly<Record<string, (envelope: ClerkWebhookEnvelope) => Prepared>> =
  {
    ...Object.fromEntries(BILLING_SUBSCRIPTION_EVENT_TYPES.map((type) => [type, prepareSubscription])),
    ...Object.fromEntries(
      BILLING_SUBSCRIPTION_ITEM_EVENT_TYPES.map((type) => [type, prepareSubscriptionItem]),
    ),
    ...Object.fromEntries(BILLING_PAYMENT_ATTEMPT_EVENT_TYPES.map((type) => [type, preparePaymentAttempt])),
  };
