import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  sampleClerkEvent,
  sampleClerkSubscription,
  sampleClerkSubscriptionItem,
} from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { shuffled } from '../testing/shuffled.ts';
import { applyClerkEvent, applyClerkEvents } from './apply-clerk-event.ts';

// Clerk Billing ordering (decision 182): Svix may deliver a subscription's history in any order, any
// number of times. A subscription ends at its newest updated_at; an item at its newest version, whether
// that came as a subscriptionItem.* event (versioned by the envelope's timestamp) or inside a
// subscription.* event (versioned by the subscription's updated_at).

const T0 = 1_760_000_000_000;
const STATUSES = ['active', 'past_due', 'canceled', 'ended', 'upcoming'] as const;

const historyArb = fc.record({
  // Each step is a subscription event (carrying the item) or an item event, with its item status.
  steps: fc.array(
    fc.record({ kind: fc.constantFrom('subscription', 'item'), status: fc.constantFrom(...STATUSES) }),
    { minLength: 1, maxLength: 8 },
  ),
  gaps: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 8, maxLength: 8 }),
  forOrganization: fc.boolean(),
  extraDeliveries: fc.array(fc.nat(), { maxLength: 5 }),
  seed: fc.integer(),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

function build(history: History) {
  const payerId = history.forOrganization ? `org_${randomUUID()}` : `user_${randomUUID()}`;
  const subscriptionId = `csub_${randomUUID()}`;
  const itemId = `csubi_${randomUUID()}`;
  let at = T0;
  let newestSubscription: { status: string; at: number } | null = null;
  let newestItem = { status: '', at: 0 };
  const events = history.steps.map((step, i) => {
    at += history.gaps[i]!;
    const item = sampleClerkSubscriptionItem({
      id: itemId,
      payerId,
      status: step.status,
      planSlug: `plan${i}`,
    });
    newestItem = { status: step.status, at };
    if (step.kind === 'item') {
      return sampleClerkEvent(
        `subscriptionItem.${step.status === 'past_due' ? 'pastDue' : 'updated'}`,
        item,
        {
          timestamp: at,
        },
      );
    }
    // The subscription's own status follows its item's, as Clerk's does for a one-plan subscription.
    newestSubscription = { status: step.status, at };
    const subscription = sampleClerkSubscription({
      id: subscriptionId,
      payerId,
      status: step.status,
      updatedAt: at,
      items: [item],
    });
    // Clerk emits the event a little after the change; the envelope time is not the version.
    return sampleClerkEvent('subscription.updated', subscription, { timestamp: at + 7 });
  });
  const deliveries = events.map((event) => ({ svixId: `msg_${randomUUID()}`, body: JSON.stringify(event) }));
  const all = shuffled(
    [...deliveries, ...history.extraDeliveries.map((n) => deliveries[n % deliveries.length]!)],
    history.seed,
  );
  return {
    payerId,
    subscriptionId,
    itemId,
    newestSubscription: newestSubscription as { status: string; at: number } | null,
    newestItem,
    newestPlan: `plan${history.steps.length - 1}`,
    deliveries: all,
  };
}

async function expectNewest(db: Db, built: ReturnType<typeof build>, history: History) {
  const item = await db
    .selectFrom('billing_subscription_items')
    .selectAll()
    .where('clerk_id', '=', built.itemId)
    .executeTakeFirstOrThrow();
  const payer = history.forOrganization
    ? { clerk_organization_id: built.payerId, clerk_user_id: null }
    : { clerk_user_id: built.payerId, clerk_organization_id: null };
  expect(item).toMatchObject({
    status: built.newestItem.status,
    plan_slug: built.newestPlan,
    clerk_updated_at: new Date(built.newestItem.at),
    ...payer,
  });
  const subscription = await db
    .selectFrom('billing_subscriptions')
    .selectAll()
    .where('clerk_id', '=', built.subscriptionId)
    .executeTakeFirst();
  if (built.newestSubscription === null) expect(subscription).toBeUndefined();
  else {
    expect(subscription).toMatchObject({
      status: built.newestSubscription.status,
      clerk_updated_at: new Date(built.newestSubscription.at),
      ...payer,
    });
  }
}

describeEachDatabase('Clerk Billing ordering', (use, kind) => {
  it('any reordering and duplication of subscription and item events ends at the newest of each', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const { db } = use();
        const built = build(history);
        for (const delivery of built.deliveries) {
          const result = await applyClerkEvent(db, delivery);
          expect(['applied', 'duplicate', 'stale']).toContain(result.status);
        }
        await expectNewest(db, built, history);
      }),
      { numRuns: kind === 'pglite' ? 25 : 40 },
    );
  });

  it('the same holds when every delivery goes in one statement', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const { db } = use();
        const built = build(history);
        const results = await applyClerkEvents(db, built.deliveries);
        expect(results.every((r) => !(r instanceof Error))).toBe(true);
        await expectNewest(db, built, history);
      }),
      { numRuns: kind === 'pglite' ? 15 : 25 },
    );
  });
});
