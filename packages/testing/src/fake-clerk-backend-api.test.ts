import { createClerkClient } from '@clerk/backend';
import {
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClerkKeys } from './clerk-session-tokens.ts';
import { type FakeClerkBackendApi, startFakeClerkBackendApi } from './fake-clerk-backend-api.ts';

// The stand-in is only useful if Clerk's own SDK understands it: check through @clerk/backend.
describe('fake Clerk Backend API, read through @clerk/backend', () => {
  const keys = testClerkKeys();
  let api: FakeClerkBackendApi;
  beforeAll(async () => {
    api = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    for (let i = 0; i < 7; i++) {
      const user = sampleClerkUser({ id: `user_${i}`, createdAt: 1_700_000_000_000 + i });
      api.users.set(user.id as string, user);
    }
  });
  afterAll(() => api.close());

  it('serves getUser with Clerk field names', async () => {
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    const user = await clerk.users.getUser('user_3');
    expect(user.id).toBe('user_3');
    expect(user.primaryEmailAddress?.emailAddress).toBe('user_3@example.com');
    expect(user.raw?.updated_at).toBe(1_700_000_000_003);
  });

  it('pages getUserList with a total count', async () => {
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    const page = await clerk.users.getUserList({ limit: 5, offset: 5 });
    expect(page.totalCount).toBe(7);
    expect(page.data.map((u) => u.id)).toEqual(['user_5', 'user_6']);
  });

  it('honours order_by on updated_at and created_at, and refuses an unknown one', async () => {
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    // user_2 was updated last: newest update first puts it at the front.
    api.users.set('user_2', { ...api.users.get('user_2'), updated_at: 1_800_000_000_000 });
    const byUpdate = await clerk.users.getUserList({ limit: 3, orderBy: '-updated_at' });
    expect(byUpdate.data.map((u) => u.id)).toEqual(['user_2', 'user_6', 'user_5']);
    const oldest = await clerk.users.getUserList({ limit: 2, orderBy: '+created_at' });
    expect(oldest.data.map((u) => u.id)).toEqual(['user_0', 'user_1']);
    await expect(
      clerk.users.getUserList({ limit: 2, orderBy: '-email' as '-created_at' }),
    ).rejects.toMatchObject({
      status: 422,
    });
  });

  it('answers 404 for an unknown user and 401 for a wrong key, as Clerk errors', async () => {
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    await expect(clerk.users.getUser('user_missing')).rejects.toMatchObject({ status: 404 });
    const wrong = createClerkClient({ secretKey: 'sk_test_wrong', apiUrl: api.url });
    await expect(wrong.users.getUser('user_1')).rejects.toMatchObject({ status: 401 });
  });

  it('deep-merges updateUserMetadata into public_metadata, bumps updated_at, and fails on demand', async () => {
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    api.users.get('user_4')!.public_metadata = { team: { name: 'core', size: 3 }, legacy: true };
    const updated = await clerk.users.updateUserMetadata('user_4', {
      publicMetadata: { role: 'admin', team: { size: 4 }, legacy: null },
    });
    expect(updated.publicMetadata).toEqual({ role: 'admin', team: { name: 'core', size: 4 } });
    expect(api.users.get('user_4')!.updated_at).toBeGreaterThan(1_700_000_000_004);
    expect(api.requests).toContain('PATCH /v1/users/user_4/metadata');
    await expect(
      clerk.users.updateUserMetadata('user_missing', { publicMetadata: {} }),
    ).rejects.toMatchObject({
      status: 404,
    });
    api.setFault(({ method }) => (method === 'PATCH' ? { status: 503 } : undefined));
    await expect(
      clerk.users.updateUserMetadata('user_4', { publicMetadata: { role: 'member' } }),
    ).rejects.toMatchObject({ status: 503 });
    api.setFault(undefined);
    expect(api.users.get('user_4')!.public_metadata).toMatchObject({ role: 'admin' });
  });

  it('serves organizations and memberships in Clerk shapes: by id or slug, per user, per instance, paged', async () => {
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    const organizations = [0, 1, 2].map((i) =>
      sampleClerkOrganization({ id: `org_${i}`, slug: `team-${i}`, createdAt: 1_700_000_000_000 + i }),
    );
    for (const o of organizations) api.organizations.set(o.id as string, o);
    for (const [i, o] of organizations.entries()) {
      const m = sampleClerkOrganizationMembership({
        id: `orgmem_${i}`,
        organization: o,
        userId: i === 2 ? 'user_2' : 'user_1',
        role: 'org:admin',
        createdAt: 1_700_000_000_000 + i,
      });
      api.memberships.set(m.id as string, m);
    }
    const one = await clerk.organizations.getOrganization({ organizationId: 'org_1' });
    expect(one).toMatchObject({ id: 'org_1', slug: 'team-1' });
    expect(one.raw?.updated_at).toBe(1_700_000_000_001);
    expect((await clerk.organizations.getOrganization({ slug: 'team-2' })).id).toBe('org_2');
    await expect(clerk.organizations.getOrganization({ organizationId: 'org_none' })).rejects.toMatchObject({
      status: 404,
    });

    const newestFirst = await clerk.organizations.getOrganizationList({ limit: 2 });
    expect(newestFirst.totalCount).toBe(3);
    expect(newestFirst.data.map((o) => o.id)).toEqual(['org_2', 'org_1']);
    const oldestFirst = await clerk.organizations.getOrganizationList({
      limit: 2,
      offset: 2,
      orderBy: '+created_at',
    });
    expect(oldestFirst.data.map((o) => o.id)).toEqual(['org_2']);

    const ofUser = await clerk.users.getOrganizationMembershipList({ userId: 'user_1' });
    expect(ofUser.data.map((m) => [m.id, m.organization.id, m.role])).toEqual([
      ['orgmem_1', 'org_1', 'org:admin'],
      ['orgmem_0', 'org_0', 'org:admin'],
    ]);
    const all = await clerk.organizations.getInstanceOrganizationMembershipList({
      orderBy: '+created_at',
      limit: 500,
    });
    expect(all.data.map((m) => m.raw?.public_user_data.user_id)).toEqual(['user_1', 'user_1', 'user_2']);
    const ofOrganization = await clerk.organizations.getOrganizationMembershipList({
      organizationId: 'org_2',
    });
    expect(ofOrganization.data.map((m) => m.id)).toEqual(['orgmem_2']);
  });

  it('injects 429 with Retry-After', async () => {
    api.setFault(() => ({ status: 429, retryAfter: 7 }));
    const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: api.url });
    await expect(clerk.users.getUser('user_1')).rejects.toMatchObject({ status: 429, retryAfter: 7 });
    api.setFault(undefined);
  });

  it('freezeUserList: serves the list as it was serialised, still checking the key', async () => {
    const frozen = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    try {
      for (let i = 0; i < 5; i++) {
        const user = sampleClerkUser({ id: `user_f${i}`, createdAt: 1_700_000_000_000 + i });
        frozen.users.set(user.id as string, user);
      }
      frozen.freezeUserList({ orderBy: '+created_at', pageSize: 2 });
      frozen.users.delete('user_f0');
      const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: frozen.url });
      const pages = await Promise.all(
        [0, 2, 4, 6].map((offset) => clerk.users.getUserList({ limit: 2, offset, orderBy: '+created_at' })),
      );
      expect(pages.map((p) => p.data.map((u) => u.id))).toEqual([
        ['user_f0', 'user_f1'],
        ['user_f2', 'user_f3'],
        ['user_f4'],
        [],
      ]);
      // Another order or page size is answered live.
      const live = await clerk.users.getUserList({ limit: 3, orderBy: '+created_at' });
      expect(live.data.map((u) => u.id)).toEqual(['user_f1', 'user_f2', 'user_f3']);
      const wrongKey = createClerkClient({ secretKey: 'sk_test_wrong', apiUrl: frozen.url });
      await expect(wrongKey.users.getUserList({ limit: 2, orderBy: '+created_at' })).rejects.toMatchObject({
        status: 401,
      });
    } finally {
      await frozen.close();
    }
  });
});
