import type { z } from 'zod';
import type { PayerRef } from '../billing/billing.repository.ts';
import {
  type ClerkBillingPayer,
  type ClerkBillingSubscriptionItem,
  clerkBillingSubscriptionItemSchema,
  clerkBillingSubscriptionSchema,
} from '../clerk/clerk-billing-payloads.ts';
import { describeZodError } from '../clerk/clerk-payloads.ts';
import type { BackendBillingSubscription } from '../reconcile/reconcile-billing.ts';
import { InvalidClerkPayloadError } from './errors.ts';
import { stringProblem } from './storable-json.ts';

// Clerk Billing objects mapped to the flat JSON the SQL rules take (billing_subscriptions and
// billing_subscription_items; decision 182): column names, ISO timestamps. Throws InvalidClerkPayloadError
// for what cannot be stored; never truncates.

/** Who pays: exactly one is set (a payer-less item event leaves both null: the stored payer stays). */
export interface BillingPayerFields {
  clerk_user_id: string | null;
  clerk_organization_id: string | null;
}

export interface BillingSubscriptionItemFields extends BillingPayerFields {
  clerk_id: string;
  status: string;
  plan_slug: string | null;
  plan_name: string | null;
  plan_period: string | null;
  period_start: string | null;
  period_end: string | null;
  canceled_at: string | null;
  past_due_at: string | null;
  /**
   * The ordering key. Item payloads carry no updated_at: an item event is versioned by the envelope's
   * `timestamp`, an item inside a subscription event by that subscription's `updated_at`.
   */
  clerk_updated_at: string;
}

export interface BillingSubscriptionFields extends BillingPayerFields {
  clerk_id: string;
  status: string;
  active_at: string | null;
  past_due_at: string | null;
  canceled_at: string | null;
  ended_at: string | null;
  /** Clerk's updated_at: the ordering key. */
  clerk_updated_at: string;
  /** Its items, each versioned by this subscription's updated_at. */
  items: BillingSubscriptionItemFields[];
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

function parse<S extends z.ZodType>(schema: S, json: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidClerkPayloadError(describeZodError(parsed.error, path));
  return parsed.data;
}

function payerFields(payer: ClerkBillingPayer | undefined): BillingPayerFields {
  return { clerk_user_id: payer?.user_id ?? null, clerk_organization_id: payer?.organization_id ?? null };
}

function itemFields(
  item: ClerkBillingSubscriptionItem,
  versionMs: number,
  fallbackPayer: BillingPayerFields | null,
  path: string,
): BillingSubscriptionItemFields {
  const fields: BillingSubscriptionItemFields = {
    clerk_id: item.id,
    status: item.status,
    plan_slug: item.plan?.slug ?? null,
    plan_name: item.plan?.name ?? null,
    plan_period: item.plan_period ?? null,
    period_start: iso(item.period_start),
    period_end: iso(item.period_end),
    canceled_at: iso(item.canceled_at),
    past_due_at: iso(item.past_due_at),
    ...(item.payer ? payerFields(item.payer) : (fallbackPayer ?? payerFields(undefined))),
    clerk_updated_at: new Date(versionMs).toISOString(),
  };
  for (const key of ['clerk_id', 'status', 'plan_slug', 'plan_name', 'plan_period'] as const) {
    const value = fields[key];
    const problem = value === null ? null : stringProblem(value);
    if (problem) throw new InvalidClerkPayloadError(`${path}.${key}: ${problem}`);
  }
  return fields;
}

/** A `subscriptionItem.*` delivery's item, versioned by the envelope's timestamp (required). */
export function mapClerkSubscriptionItem(
  json: unknown,
  eventTimestamp: number | undefined,
): BillingSubscriptionItemFields {
  const item = parse(clerkBillingSubscriptionItemSchema, json, 'data');
  if (eventTimestamp === undefined) {
    throw new InvalidClerkPayloadError(
      'timestamp: required for a subscription item event (its payload has no updated_at to order it by)',
    );
  }
  return itemFields(item, eventTimestamp, null, 'data');
}

/** A `subscription.*` delivery's subscription and its items, all versioned by its updated_at. */
export function mapClerkSubscription(json: unknown): BillingSubscriptionFields {
  const subscription = parse(clerkBillingSubscriptionSchema, json, 'data');
  const payer = payerFields(subscription.payer);
  const items = subscription.items.map((item, i) =>
    itemFields(item, subscription.updated_at, payer, `data.items.${i}`),
  );
  if (new Set(items.map((i) => i.clerk_id)).size !== items.length) {
    throw new InvalidClerkPayloadError('data.items: the same item id twice');
  }
  const problem = stringProblem(subscription.status) ?? stringProblem(subscription.id);
  if (problem) throw new InvalidClerkPayloadError(`data: ${problem}`);
  return {
    clerk_id: subscription.id,
    status: subscription.status,
    ...payer,
    active_at: iso(subscription.active_at),
    past_due_at: iso(subscription.past_due_at),
    canceled_at: iso(subscription.canceled_at),
    ended_at: iso(subscription.ended_at),
    clerk_updated_at: new Date(subscription.updated_at).toISOString(),
    items,
  };
}

/**
 * A subscription as the Backend API answers it (billing reconcile): the payer is the one asked about,
 * each item is versioned by its own updated_at (REST items carry one). The REST shape has no
 * canceled_at / ended_at on the subscription: its status says it.
 */
export function mapBackendSubscription(
  subscription: BackendBillingSubscription,
  payer: PayerRef,
): BillingSubscriptionFields {
  const payerFields: BillingPayerFields =
    'clerkUserId' in payer
      ? { clerk_user_id: payer.clerkUserId, clerk_organization_id: null }
      : { clerk_user_id: null, clerk_organization_id: payer.clerkOrganizationId };
  const asWebhook = {
    id: subscription.id,
    status: subscription.status,
    active_at: subscription.activeAt,
    past_due_at: subscription.pastDueAt,
    updated_at: subscription.updatedAt,
    payer: { user_id: payerFields.clerk_user_id, organization_id: payerFields.clerk_organization_id },
    items: [],
  };
  const fields = mapClerkSubscription(asWebhook);
  const items = subscription.subscriptionItems.map((item, i) =>
    itemFields(
      parse(
        clerkBillingSubscriptionItemSchema,
        {
          id: item.id,
          status: item.status,
          plan_period: item.planPeriod,
          period_start: item.periodStart,
          period_end: item.periodEnd,
          canceled_at: item.canceledAt,
          past_due_at: item.pastDueAt,
          plan: item.plan ? { slug: item.plan.slug, name: item.plan.name } : null,
        },
        `subscription_items.${i}`,
      ),
      item.updatedAt,
      payerFields,
      `subscription_items.${i}`,
    ),
  );
  return { ...fields, items };
}
