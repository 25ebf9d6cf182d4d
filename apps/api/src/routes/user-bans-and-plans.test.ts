import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkSubscription,
  sampleClerkSubscriptionItem,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, buildTestApp, deliver } from '../testing/index.ts';

// Issue 23: a banned user is refused at once though their session token is still valid; a locked one is
// not; the profile carries the user's and each organization's current Clerk Billing plan.
describeEachDatabase('/api/v1/users: bans and plans', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk, {
      config: { access: { roles: ['member', 'admin'], adminEmails: ['root.billing@example.com'] } },
    }));
  });
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  const profile = (id: string) =>
    app.inject({ method: 'GET', url: '/api/v1/users/profile', headers: bearer(clerk, id) });

  it('a ban in user.updated refuses the next request with 403 user_banned; locked is only shown', async () => {
    const user = sampleClerkUser({ updatedAt: 1_000 });
    const id = user.id as string;
    expect((await deliver(app, clerk, sampleClerkEvent('user.created', user))).statusCode).toBe(200);
    expect((await profile(id)).statusCode).toBe(200);

    const locked = { ...user, locked: true, updated_at: 2_000 };
    expect((await deliver(app, clerk, sampleClerkEvent('user.updated', locked))).json()).toEqual({
      status: 'applied',
    });
    expect((await profile(id)).statusCode).toBe(200);
    const lockedRow = await use()
      .db.selectFrom('users')
      .select(['banned', 'locked'])
      .where('clerk_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(lockedRow).toEqual({ banned: false, locked: true });

    // The same (still valid) token, after the ban arrives.
    const token = bearer(clerk, id);
    const banned = { ...user, banned: true, locked: false, updated_at: 3_000 };
    expect((await deliver(app, clerk, sampleClerkEvent('user.updated', banned))).json()).toEqual({
      status: 'applied',
    });
    for (const request of [
      { method: 'GET' as const, url: '/api/v1/users/profile' },
      { method: 'POST' as const, url: '/api/v1/users/sync' },
      { method: 'PATCH' as const, url: '/api/v1/users/profile', payload: { theme: 'dark' } },
    ]) {
      const response = await app.inject({ ...request, headers: token });
      expect(response.statusCode, request.url).toBe(403);
      expect(response.json()).toMatchObject({ code: 'user_banned' });
    }
    // Lifted: the next version lets them in again.
    await deliver(app, clerk, sampleClerkEvent('user.updated', { ...user, updated_at: 4_000 }));
    expect((await profile(id)).statusCode).toBe(200);
  });

  it('a banned user read from Clerk by the fallback sync is refused too', async () => {
    const base = sampleClerkUser();
    const user = { ...base, banned: true };
    clerk.clerkApi.users.set(base.id as string, user);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/users/sync',
      headers: bearer(clerk, base.id as string),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'user_banned' });
  });

  it("the profile carries the user's plan and each organization's", async () => {
    const user = sampleClerkUser();
    const id = user.id as string;
    const organization = sampleClerkOrganization({ name: 'Acme' });
    const other = sampleClerkOrganization({ name: 'Zeta' });
    for (const event of [
      sampleClerkEvent('user.created', user),
      sampleClerkEvent('organization.created', organization),
      sampleClerkEvent('organization.created', other),
      sampleClerkEvent(
        'organizationMembership.created',
        sampleClerkOrganizationMembership({ organization, userId: id }),
      ),
      sampleClerkEvent(
        'organizationMembership.created',
        sampleClerkOrganizationMembership({ organization: other, userId: id }),
      ),
    ]) {
      expect((await deliver(app, clerk, event)).statusCode).toBe(200);
    }
    expect((await profile(id)).json()).toMatchObject({
      plan: null,
      organizations: [
        { name: 'Acme', plan: null },
        { name: 'Zeta', plan: null },
      ],
    });
    const periodEnd = Date.UTC(2027, 0, 1);
    const own = sampleClerkSubscriptionItem({ payerId: id, planSlug: 'pro', planName: 'Pro', periodEnd });
    const orgItem = sampleClerkSubscriptionItem({
      payerId: organization.id as string,
      planSlug: 'business',
      status: 'past_due',
    });
    await deliver(
      app,
      clerk,
      sampleClerkEvent('subscription.created', sampleClerkSubscription({ payerId: id, items: [own] })),
    );
    await deliver(app, clerk, sampleClerkEvent('subscriptionItem.pastDue', orgItem));
    expect((await profile(id)).json()).toMatchObject({
      plan: { slug: 'pro', name: 'Pro', status: 'active', periodEnd: new Date(periodEnd).toISOString() },
      organizations: [
        { name: 'Acme', plan: { slug: 'business', name: 'Business', status: 'past_due' } },
        { name: 'Zeta', plan: null },
      ],
    });
  });

  it('the console API: past-due payers on the overview; banned, locked and the plan on a user', async () => {
    const root = sampleClerkUser({ email: 'root.billing@example.com' });
    expect((await deliver(app, clerk, sampleClerkEvent('user.created', root))).statusCode).toBe(200);
    const admin = (url: string) =>
      app.inject({ method: 'GET', url, headers: bearer(clerk, root.id as string) });
    const before = (await admin('/api/v1/admin/overview')).json().billing.pastDuePayers;
    const base = sampleClerkUser();
    const payerId = base.id as string;
    const payer = { ...base, banned: true, locked: true };
    await deliver(app, clerk, sampleClerkEvent('user.created', payer));
    const item = sampleClerkSubscriptionItem({
      payerId,
      planSlug: 'pro',
      planName: 'Pro',
      status: 'past_due',
    });
    await deliver(
      app,
      clerk,
      sampleClerkEvent(
        'subscription.pastDue',
        sampleClerkSubscription({ payerId, status: 'past_due', items: [item] }),
      ),
    );
    const overview = await admin('/api/v1/admin/overview');
    expect(overview.statusCode).toBe(200);
    expect(overview.json().billing.pastDuePayers).toBe(before + 1);
    const detail = await admin(`/api/v1/admin/users/${payerId}`);
    expect(detail.json()).toMatchObject({
      user: { clerkId: payerId, banned: true, locked: true },
      plan: { slug: 'pro', name: 'Pro', status: 'past_due' },
    });
  });

  it('the console API: an organization with its plan and members; 404 for none', async () => {
    const root = sampleClerkUser({ email: 'root.billing@example.com' });
    const admin = (url: string) =>
      app.inject({ method: 'GET', url, headers: bearer(clerk, root.id as string) });
    await deliver(app, clerk, sampleClerkEvent('user.created', root));
    const member = sampleClerkUser({ firstName: 'Mo', lastName: 'Member' });
    const organization = sampleClerkOrganization({ name: 'Billed Co', slug: 'billed-co' });
    const orgId = organization.id as string;
    for (const event of [
      sampleClerkEvent('user.created', member),
      sampleClerkEvent('organization.created', organization),
      sampleClerkEvent(
        'organizationMembership.created',
        sampleClerkOrganizationMembership({ organization, userId: member.id as string, role: 'org:admin' }),
      ),
      sampleClerkEvent(
        'subscriptionItem.active',
        sampleClerkSubscriptionItem({ payerId: orgId, planSlug: 'business', planName: 'Business' }),
      ),
    ]) {
      expect((await deliver(app, clerk, event)).statusCode).toBe(200);
    }
    for (const ref of [orgId, 'billed-co']) {
      const response = await admin(`/api/v1/admin/organizations/${ref}`);
      expect(response.statusCode, ref).toBe(200);
      expect(response.json()).toMatchObject({
        organization: { clerkId: orgId, name: 'Billed Co', status: 'active' },
        plan: { slug: 'business', name: 'Business', status: 'active' },
        members: [{ clerkUserId: member.id, role: 'org:admin', name: 'Mo Member' }],
      });
    }
    const none = await admin('/api/v1/admin/organizations/org_nobody');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: 'organization_not_found' });
  });
});
