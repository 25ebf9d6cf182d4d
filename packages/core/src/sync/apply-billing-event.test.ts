import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { currentPlanOf, currentPlansOfUser } from '../billing/billing.repository.ts';
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkSubscription,
  sampleClerkSubscriptionItem,
  sampleClerkUser,
} from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findWebhookEvent } from '../webhook-events/webhook-event.repository.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';

const T0 = 1_760_000_000_000;

function deliver(db: Db, event: Record<string, unknown>, svixId = `msg_${randomUUID()}`) {
  return applyClerkEvent(db, { svixId, body: JSON.stringify(event) });
}

const itemsOf = (db: Db, payer: string) =>
  db
    .selectFrom('billing_subscription_items')
    .selectAll()
    .where((eb) => eb.or([eb('clerk_user_id', '=', payer), eb('clerk_organization_id', '=', payer)]))
    .orderBy('clerk_id')
    .execute();

describeEachDatabase('applyClerkEvent for Clerk Billing', (use) => {
  it('a user payer: the subscription and its items land, linked to the user row; a redelivery is a duplicate', async () => {
    const { db } = use();
    const user = sampleClerkUser({ id: `user_${randomUUID()}`, createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', user));
    const item = sampleClerkSubscriptionItem({
      payerId: user.id as string,
      planSlug: 'pro',
      planName: 'Pro',
    });
    const subscription = sampleClerkSubscription({
      payerId: user.id as string,
      updatedAt: T0,
      items: [item],
    });
    const svixId = `msg_${randomUUID()}`;
    expect(await deliver(db, sampleClerkEvent('subscription.created', subscription), svixId)).toMatchObject({
      status: 'applied',
    });
    const row = await db
      .selectFrom('billing_subscriptions')
      .selectAll()
      .where('clerk_id', '=', subscription.id as string)
      .executeTakeFirstOrThrow();
    const userRow = await db
      .selectFrom('users')
      .select('id')
      .where('clerk_id', '=', user.id as string)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'active',
      clerk_user_id: user.id,
      clerk_organization_id: null,
      user_id: userRow.id,
      active_at: new Date(1_700_000_000_000),
      clerk_updated_at: new Date(T0),
    });
    expect(await itemsOf(db, user.id as string)).toMatchObject([
      {
        clerk_id: item.id,
        status: 'active',
        plan_slug: 'pro',
        plan_name: 'Pro',
        plan_period: 'month',
        user_id: userRow.id,
      },
    ]);
    expect(await deliver(db, sampleClerkEvent('subscription.created', subscription), svixId)).toMatchObject({
      status: 'duplicate',
    });
    expect(await currentPlanOf(db, { clerkUserId: user.id as string })).toMatchObject({
      slug: 'pro',
      name: 'Pro',
      status: 'active',
    });
  });

  it('an organization payer; past due, then a newer active item; an older event is stale', async () => {
    const { db } = use();
    const organization = sampleClerkOrganization({ id: `org_${randomUUID()}`, createdAt: T0 });
    const member = sampleClerkUser({ id: `user_${randomUUID()}`, createdAt: T0 });
    await deliver(db, sampleClerkEvent('organization.created', organization));
    await deliver(db, sampleClerkEvent('user.created', member));
    await deliver(
      db,
      sampleClerkEvent(
        'organizationMembership.created',
        sampleClerkOrganizationMembership({ organization, userId: member.id as string, role: 'org:admin' }),
      ),
    );
    const orgId = organization.id as string;
    const itemId = `csubi_${randomUUID()}`;
    const pastDue = sampleClerkSubscriptionItem({
      id: itemId,
      payerId: orgId,
      status: 'past_due',
      planSlug: 'business',
      pastDueAt: T0,
    });
    expect(
      await deliver(db, sampleClerkEvent('subscriptionItem.pastDue', pastDue, { timestamp: T0 + 10 })),
    ).toMatchObject({ status: 'applied' });
    expect(await currentPlanOf(db, { clerkOrganizationId: orgId })).toMatchObject({
      slug: 'business',
      status: 'past_due',
    });
    const active = sampleClerkSubscriptionItem({
      id: itemId,
      payerId: orgId,
      status: 'active',
      planSlug: 'business',
    });
    expect(
      await deliver(db, sampleClerkEvent('subscriptionItem.active', active, { timestamp: T0 + 20 })),
    ).toMatchObject({ status: 'applied' });
    // The past-due event again, under another svix-id (an older version): stale, nothing changes.
    expect(
      await deliver(db, sampleClerkEvent('subscriptionItem.pastDue', pastDue, { timestamp: T0 + 10 })),
    ).toMatchObject({
      status: 'stale',
      reason: 'a newer version of the subscription item is already stored',
    });
    const [row] = await itemsOf(db, orgId);
    const orgRow = await db
      .selectFrom('organizations')
      .select('id')
      .where('clerk_id', '=', orgId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', clerk_organization_id: orgId, organization_id: orgRow.id });
    // The member's profile read: their own plan (none) and their organization's.
    const plans = await currentPlansOfUser(db, member.id as string);
    expect(plans.user).toBeNull();
    expect(plans.organizations.get(orgId)).toMatchObject({ slug: 'business', status: 'active' });
  });

  it('invalid payloads are 422 material with nothing written; payment attempts are recorded and answered', async () => {
    const { db } = use();
    const base = sampleClerkSubscription();
    const payerless = { ...base, payer: { id: 'cpayer_1', email: 'x@example.com' } };
    const noTimestamp = {
      type: 'subscriptionItem.updated',
      object: 'event',
      data: sampleClerkSubscriptionItem(),
    };
    const badItem = sampleClerkSubscription({ items: [{ ...sampleClerkSubscriptionItem(), status: 7 }] });
    for (const [event, reason] of [
      [
        sampleClerkEvent('subscription.updated', payerless),
        /data\.payer: expected exactly one of user_id and organization_id/,
      ],
      [noTimestamp, /timestamp: required for a subscription item event/],
      [sampleClerkEvent('subscription.active', badItem), /data\.items\.0\.status/],
    ] as const) {
      const result = await deliver(db, event);
      expect(result).toMatchObject({ status: 'invalid' });
      expect(result.reason).toMatch(reason);
    }
    expect(
      await db
        .selectFrom('billing_subscriptions')
        .select('clerk_id')
        .where('clerk_id', '=', base.id as string)
        .execute(),
    ).toEqual([]);
    expect(
      await db
        .selectFrom('billing_subscription_items')
        .select('clerk_id')
        .where('clerk_id', '=', (badItem.items as Array<{ id: string }>)[0]!.id)
        .execute(),
    ).toEqual([]);

    const svixId = `msg_${randomUUID()}`;
    const attempt = {
      object: 'commerce_payment_attempt',
      id: 'cpa_1',
      status: 'failed',
      payer: { user_id: 'user_x' },
    };
    expect(await deliver(db, sampleClerkEvent('paymentAttempt.updated', attempt), svixId)).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('payment attempts are recorded'),
    });
    expect(await findWebhookEvent(db, svixId)).toMatchObject({
      type: 'paymentAttempt.updated',
      status: 'ignored',
    });
  });
});
