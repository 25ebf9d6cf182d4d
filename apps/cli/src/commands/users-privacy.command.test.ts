import {
  applyClerkEvent,
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkSubscription,
  sampleClerkSubscriptionItem,
  sampleClerkUser,
  syncUserFromClerk,
} from '@usersync/core/internal';
import { startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { captureIo, clerkAt, testContext } from '../testing/command-fixtures.ts';

describeEachDatabase('usersync users show / export / erase (issue 23)', (use) => {
  it('users show prints banned and locked apart', async () => {
    const { db } = use();
    await syncUserFromClerk(db, { ...sampleClerkUser({ id: 'user_locked_lin' }), locked: true });
    const ctx = testContext(db);
    expect(await runCli(['users', 'show', 'user_locked_lin'], ctx)).toBe(EXIT.ok);
    expect(ctx.io.stdout()).toMatch(/^banned\s+no$/m);
    expect(ctx.io.stdout()).toMatch(/^locked\s+yes \(temporary lockout in Clerk\)$/m);
  });

  it('users show and orgs show print the current plan', async () => {
    const { db } = use();
    const deliver = (event: Record<string, unknown>) =>
      applyClerkEvent(db, { svixId: `msg_${Math.random()}`, body: JSON.stringify(event) });
    await deliver(sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_plan_pia' })));
    const organization = sampleClerkOrganization({ id: 'org_plan_acme', slug: 'plan-acme' });
    await deliver(sampleClerkEvent('organization.created', organization));
    const periodEnd = Date.UTC(2027, 0, 1);
    const own = sampleClerkSubscriptionItem({
      payerId: 'user_plan_pia',
      planSlug: 'pro',
      planName: 'Pro',
      periodEnd,
    });
    await deliver(
      sampleClerkEvent(
        'subscription.created',
        sampleClerkSubscription({ payerId: 'user_plan_pia', items: [own] }),
      ),
    );
    const business = sampleClerkSubscriptionItem({
      payerId: 'org_plan_acme',
      planSlug: 'business',
      status: 'past_due',
      periodEnd,
    });
    await deliver(sampleClerkEvent('subscriptionItem.pastDue', business));

    const user = testContext(db);
    expect(await runCli(['users', 'show', 'user_plan_pia'], user)).toBe(EXIT.ok);
    expect(user.io.stdout()).toMatch(/^plan\s+Pro \(pro\), active, period ends 2027-01-01T00:00:00\.000Z$/m);
    const org = testContext(db);
    expect(await runCli(['orgs', 'show', 'plan-acme'], org)).toBe(EXIT.ok);
    expect(org.io.stdout()).toMatch(/^plan\s+Business \(business\), past_due, period ends 2027/m);
    const none = testContext(db);
    await runCli(['users', 'show', 'user_locked_lin', '--json'], none);
    expect(JSON.parse(none.io.stdout())).toMatchObject({
      clerk_id: 'user_locked_lin',
      plan: null,
      locked: true,
    });
  });

  it('users export prints one JSON document; unknown ids exit 4, malformed ones 2', async () => {
    const { db } = use();
    const user = sampleClerkUser({ id: 'user_export_eve', email: 'eve@example.com', firstName: 'Eve' });
    await applyClerkEvent(db, {
      svixId: 'msg_export_eve',
      body: JSON.stringify(sampleClerkEvent('user.created', user)),
    });
    const ctx = testContext(db);
    expect(await runCli(['users', 'export', 'user_export_eve'], ctx)).toBe(EXIT.ok);
    const document = JSON.parse(ctx.io.stdout());
    expect(document).toMatchObject({
      clerkId: 'user_export_eve',
      user: { email: 'eve@example.com', first_name: 'Eve' },
      deliveries: [{ svix_id: 'msg_export_eve', type: 'user.created', status: 'applied' }],
    });
    const unknown = testContext(db);
    expect(await runCli(['users', 'export', 'user_nobody_here'], unknown)).toBe(EXIT.notFound);
    const malformed = testContext(db);
    expect(await runCli(['users', 'export', 'eve@example.com'], malformed)).toBe(EXIT.usage);
    expect(malformed.io.stderr()).toContain('is not a Clerk user id');
  });

  it('users erase asks, deletes in Clerk, anonymizes here at once; refused without a terminal; Clerk failure changes nothing', async () => {
    const { db } = use();
    const keys = testClerkKeys();
    const clerkApi = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    try {
      const user = sampleClerkUser({ id: 'user_erase_fay', email: 'fay@example.com', firstName: 'Fay' });
      clerkApi.users.set('user_erase_fay', user);
      await syncUserFromClerk(db, user);
      const config = clerkAt(clerkApi.url, keys.secretKey);

      const unattended = testContext(db, config);
      expect(await runCli(['users', 'erase', 'user_erase_fay'], unattended)).toBe(EXIT.refused);
      const declined = testContext(db, config, captureIo([false]));
      expect(await runCli(['users', 'erase', 'user_erase_fay'], declined)).toBe(EXIT.refused);
      clerkApi.setFault(({ method }) => (method === 'DELETE' ? { status: 500 } : undefined));
      const failing = testContext(db, config);
      expect(await runCli(['users', 'erase', 'user_erase_fay', '--yes'], failing)).toBe(EXIT.failure);
      expect(failing.io.stderr()).toContain('nothing changed here');
      clerkApi.setFault(undefined);
      expect(clerkApi.users.has('user_erase_fay')).toBe(true);
      const untouched = await db
        .selectFrom('users')
        .selectAll()
        .where('clerk_id', '=', 'user_erase_fay')
        .executeTakeFirstOrThrow();
      expect(untouched).toMatchObject({ email: 'fay@example.com', is_active: true });

      const confirmed = testContext(db, config, captureIo([true]));
      expect(await runCli(['users', 'erase', 'user_erase_fay'], confirmed)).toBe(EXIT.ok);
      expect(confirmed.io.stdout()).toContain('Erased user_erase_fay: deleted in Clerk; anonymized here');
      expect(clerkApi.requests).toContain('DELETE /v1/users/user_erase_fay');
      expect(clerkApi.users.has('user_erase_fay')).toBe(false);
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('clerk_id', '=', 'user_erase_fay')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        email: null,
        first_name: null,
        is_active: false,
        deleted_at: expect.any(Date),
      });

      // Clerk no longer has them (404): erased here all the same.
      const again = testContext(db, config);
      expect(await runCli(['users', 'erase', 'user_erase_fay', '--yes', '--json'], again)).toBe(EXIT.ok);
      expect(JSON.parse(again.io.stdout())).toMatchObject({ clerk: 'already gone', alreadyDeleted: true });
    } finally {
      await clerkApi.close();
    }
  });
});
