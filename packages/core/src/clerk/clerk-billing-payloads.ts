import { z } from 'zod';
import { clerkIdSchema as clerkId, msTimestampSchema as msTimestamp } from './clerk-payloads.ts';

// Clerk Billing's webhook objects (public beta), as typed by @clerk/backend 3.20.1 (pinned; decision 182):
// BillingSubscriptionWebhookEventJSON, BillingSubscriptionItemWebhookEventJSON, BillingPayerJSON.
// Only what the billing tables hold is read; other fields are accepted and left out (z.object strips).
// Statuses are free strings (short): Clerk has renamed Billing values within a year, and refusing a new
// status would make Svix retry a delivery we can store.

const status = z.string().min(1).max(32);
const optionalMs = msTimestamp.nullable().optional();

/** `BillingPayerJSON`: exactly one of user_id / organization_id says who pays. */
export const clerkBillingPayerSchema = z
  .object({
    id: clerkId.optional(),
    user_id: clerkId.nullable().optional(),
    organization_id: clerkId.nullable().optional(),
  })
  .refine((payer) => Boolean(payer.user_id) !== Boolean(payer.organization_id), {
    error: 'expected exactly one of user_id and organization_id',
  });
export type ClerkBillingPayer = z.output<typeof clerkBillingPayerSchema>;

/** `BillingSubscriptionItemWebhookEventJSON`: no updated_at and no subscription id (decision 182). */
export const clerkBillingSubscriptionItemSchema = z.object({
  id: clerkId,
  status,
  plan_period: z.string().min(1).max(16).nullable().optional(),
  period_start: optionalMs,
  period_end: optionalMs,
  canceled_at: optionalMs,
  past_due_at: optionalMs,
  plan: z
    .object({ slug: z.string().min(1).max(256), name: z.string().max(256) })
    .nullable()
    .optional(),
  payer: clerkBillingPayerSchema.optional(),
});
export type ClerkBillingSubscriptionItem = z.output<typeof clerkBillingSubscriptionItemSchema>;

/** `BillingSubscriptionWebhookEventJSON`: ordered by its updated_at; carries its items. */
export const clerkBillingSubscriptionSchema = z.object({
  id: clerkId,
  status,
  active_at: optionalMs,
  canceled_at: optionalMs,
  ended_at: optionalMs,
  past_due_at: optionalMs,
  updated_at: msTimestamp,
  payer: clerkBillingPayerSchema,
  items: z.array(clerkBillingSubscriptionItemSchema).max(100).default([]),
});
export type ClerkBillingSubscription = z.output<typeof clerkBillingSubscriptionSchema>;

// The Billing event types, written once with the other lists the console shares.
export {
  BILLING_PAYMENT_ATTEMPT_EVENT_TYPES,
  BILLING_SUBSCRIPTION_EVENT_TYPES,
  BILLING_SUBSCRIPTION_ITEM_EVENT_TYPES,
} from '../http-contract/lists.ts';
