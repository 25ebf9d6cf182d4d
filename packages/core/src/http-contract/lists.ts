// The value lists the API, the database types and the console share, written once. No imports: the SPA
// bundles this module (its filters and badges), the contract builds its schemas from it, and the
// database schema types its columns with it. Frozen migrations spell their CHECK constraints themselves.

/**
 * What became of a webhook delivery (webhook_events.status): the write path's decisions, `failed` (our
 * side failed: 5xx, Svix retries) and `received` (allowed by the column, recorded before a decision).
 */
export const DELIVERY_STATUSES = [
  'applied',
  'duplicate',
  'stale',
  'ignored',
  'invalid',
  'failed',
  'received',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The decisions that settle a delivery: answered 200, nothing left to recover. */
export const SETTLED_DELIVERY_STATUSES = ['applied', 'duplicate', 'stale', 'ignored'] as const;
export type SettledDeliveryStatus = (typeof SETTLED_DELIVERY_STATUSES)[number];

/** What the write path can decide for a delivery it read: settled, or `invalid` (answered 422). */
export const DECIDED_DELIVERY_STATUSES = [...SETTLED_DELIVERY_STATUSES, 'invalid'] as const;
export type DecidedDeliveryStatus = (typeof DECIDED_DELIVERY_STATUSES)[number];

/** A users row as the console shows it: active, deactivated in Clerk (`inactive`), or deleted. */
export const USER_STATUSES = ['active', 'inactive', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const USER_EVENT_TYPES = ['user.created', 'user.updated', 'user.deleted'] as const;
export type UserEventType = (typeof USER_EVENT_TYPES)[number];

export const ORGANIZATION_EVENT_TYPES = [
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organizationMembership.created',
  'organizationMembership.updated',
  'organizationMembership.deleted',
  'organizationInvitation.created',
  'organizationInvitation.accepted',
  'organizationInvitation.revoked',
] as const;
export type OrganizationEventType = (typeof ORGANIZATION_EVENT_TYPES)[number];

/** Clerk Billing's events in @clerk/backend 3.20.1's WebhookEvent union (decision 182). */
export const BILLING_SUBSCRIPTION_EVENT_TYPES = [
  'subscription.created',
  'subscription.updated',
  'subscription.active',
  'subscription.pastDue',
] as const;
export const BILLING_SUBSCRIPTION_ITEM_EVENT_TYPES = [
  'subscriptionItem.created',
  'subscriptionItem.updated',
  'subscriptionItem.active',
  'subscriptionItem.canceled',
  'subscriptionItem.upcoming',
  'subscriptionItem.ended',
  'subscriptionItem.abandoned',
  'subscriptionItem.incomplete',
  'subscriptionItem.pastDue',
  'subscriptionItem.freeTrialEnding',
] as const;
/** Recorded in the delivery log (`ignored`, with a reason) and answered 2xx; not mirrored. */
export const BILLING_PAYMENT_ATTEMPT_EVENT_TYPES = [
  'paymentAttempt.created',
  'paymentAttempt.updated',
] as const;
export const BILLING_EVENT_TYPES = [
  ...BILLING_SUBSCRIPTION_EVENT_TYPES,
  ...BILLING_SUBSCRIPTION_ITEM_EVENT_TYPES,
  ...BILLING_PAYMENT_ATTEMPT_EVENT_TYPES,
] as const;

/**
 * Every Clerk event type the write path applies; any other type is recorded `ignored`. The dispatch
 * table (packages/core/src/sync/clerk-event-handlers.ts) has one handler for each, which
 * lists.test.ts checks.
 */
export const CLERK_EVENT_TYPES = [
  ...USER_EVENT_TYPES,
  ...ORGANIZATION_EVENT_TYPES,
  ...BILLING_EVENT_TYPES,
] as const;
export type ClerkEventType = (typeof CLERK_EVENT_TYPES)[number];
