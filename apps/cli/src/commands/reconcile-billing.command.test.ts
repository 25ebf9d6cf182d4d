import {
  applyClerkEvent,
  sampleBackendBillingSubscription,
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkSubscriptionItem,
  sampleClerkUser,
} from '@usersync/core/internal';
import { startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { clerkAt, testContext } from '../testing/command-fixtures.ts';

describeEachDatabase('usersync reconcile --only billing', (use) => {
  it('reads one subscription per payer, dry-runs, applies, and keeps what a webhook stored newer', async () => {
    const { db } = use();
    const keys = testClerkKeys();
    const clerkApi = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    try {
      const deliver = (event: Record<string, unknown>) =>
        applyClerkEvent(db, { svixId: `msg_${Math.random()}`, body: JSON.stringify(event) });
      await deliver(sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_rb_ann' })));
      await deliver(sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_rb_ben' })));
      await deliver(sampleClerkEvent('organization.created', sampleClerkOrganization({ id: 'org_rb_acme' })));
      const T = Date.UTC(2026, 11, 1);
      clerkApi.subscriptions.set(
        'user_rb_ann',
        sampleBackendBillingSubscription({
          id: 'csub_rb_ann',
          payerId: 'user_rb_ann',
          updatedAt: T,
          items: [sampleClerkSubscriptionItem({ id: 'csubi_rb_ann', planSlug: 'pro' })],
        }),
      );
      clerkApi.subscriptions.set(
        'org_rb_acme',
        sampleBackendBillingSubscription({
          id: 'csub_rb_acme',
          payerId: 'org_rb_acme',
          status: 'past_due',
          updatedAt: T,
          items: [
            sampleClerkSubscriptionItem({ id: 'csubi_rb_acme', planSlug: 'business', status: 'past_due' }),
          ],
        }),
      );
      const config = clerkAt(clerkApi.url, keys.secretKey);

      const dry = testContext(db, config);
      expect(await runCli(['reconcile', '--only', 'billing', '--json'], dry)).toBe(EXIT.ok);
      expect(JSON.parse(dry.io.stdout()).billing).toMatchObject({
        mode: 'dry-run',
        payers: 3,
        withoutSubscription: 1,
        counts: { create: 2, update: 0, unchanged: 0 },
      });
      expect(clerkApi.requests.filter((r) => r.endsWith('/billing/subscription'))).toHaveLength(3);
      expect(await db.selectFrom('billing_subscriptions').select('clerk_id').execute()).toEqual([]);

      const applied = testContext(db, config);
      expect(await runCli(['reconcile', '--only', 'billing', '--apply'], applied)).toBe(EXIT.ok);
      expect(applied.io.stdout()).toMatch(/Created\s+2/);
      const items = await db
        .selectFrom('billing_subscription_items')
        .select(['clerk_id', 'plan_slug', 'status', 'clerk_user_id', 'clerk_organization_id'])
        .orderBy('clerk_id')
        .execute();
      expect(items).toEqual([
        {
          clerk_id: 'csubi_rb_acme',
          plan_slug: 'business',
          status: 'past_due',
          clerk_user_id: null,
          clerk_organization_id: 'org_rb_acme',
        },
        {
          clerk_id: 'csubi_rb_ann',
          plan_slug: 'pro',
          status: 'active',
          clerk_user_id: 'user_rb_ann',
          clerk_organization_id: null,
        },
      ]);

      // A newer version arrived by webhook meanwhile: reconcile keeps it.
      const newer = sampleClerkSubscriptionItem({
        id: 'csubi_rb_ann',
        payerId: 'user_rb_ann',
        planSlug: 'team',
      });
      await deliver(sampleClerkEvent('subscriptionItem.updated', newer, { timestamp: T + 60_000 }));
      const again = testContext(db, config);
      expect(await runCli(['reconcile', '--only', 'billing', '--apply', '--json'], again)).toBe(EXIT.ok);
      expect(JSON.parse(again.io.stdout()).billing.counts).toMatchObject({ unchanged: 2 });
      const ann = await db
        .selectFrom('billing_subscription_items')
        .select('plan_slug')
        .where('clerk_id', '=', 'csubi_rb_ann')
        .executeTakeFirstOrThrow();
      expect(ann.plan_slug).toBe('team');
    } finally {
      await clerkApi.close();
    }
  });
});
