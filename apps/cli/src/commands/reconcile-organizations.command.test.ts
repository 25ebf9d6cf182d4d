import {
  applyClerkEvent,
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type FakeClerkBackendApi, startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { clerkAt, testContext } from '../testing/command-fixtures.ts';

// `usersync reconcile` for organizations and memberships, against the Backend API stand-in (its
// `GET /v1/organizations` and `GET /v1/organization_memberships`, paged), over the real database.

const T0 = 1_760_000_000_000;

describeEachDatabase('usersync reconcile: organizations and memberships', (use, kind) => {
  const keys = testClerkKeys();
  let api: FakeClerkBackendApi;
  let tooManyRequests = 0;
  beforeAll(async () => {
    api = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    api.organizations.clear();
    api.memberships.clear();
    api.users.clear();
    api.setFault(undefined);
    const { db } = use();
    for (const table of ['organization_memberships', 'organizations', 'organization_tombstones'] as const) {
      await db.deleteFrom(table).execute();
    }
  });

  const reconcile = async (args: string[]) => {
    const ctx = testContext(use().db, clerkAt(api.url, keys.secretKey));
    const code = await runCli(['reconcile', ...args], ctx);
    return { code, out: ctx.io.stdout(), err: ctx.io.stderr() };
  };
  const deliver = (event: Record<string, unknown>) =>
    applyClerkEvent(use().db, { svixId: `msg_${crypto.randomUUID()}`, body: JSON.stringify(event) });

  it('compares (dry run), then applies: creates and updates, keeps newer and deleted ones, links memberships', async () => {
    const { db } = use();
    // 700 organizations: two pages of 500.
    const organizations = Array.from({ length: 700 }, (_, i) =>
      sampleClerkOrganization({
        id: `org_${kind}_${String(i).padStart(4, '0')}`,
        name: `Org ${i}`,
        createdAt: T0 + i,
      }),
    );
    for (const o of organizations) api.organizations.set(o.id as string, o);
    const user = sampleClerkUser({ createdAt: T0 });
    api.users.set(user.id as string, user);
    await deliver(sampleClerkEvent('user.created', user));
    const memberships = organizations.slice(0, 3).map((o, i) =>
      sampleClerkOrganizationMembership({
        organization: o,
        userId: user.id as string,
        role: 'org:admin',
        createdAt: T0 + i,
      }),
    );
    for (const m of memberships) api.memberships.set(m.id as string, m);
    // Here already: an older version of org 0, a newer one of org 1, and org 2 deleted.
    await deliver(
      sampleClerkEvent('organization.created', {
        ...organizations[0]!,
        name: 'Old name',
        updated_at: T0 - 1,
      }),
    );
    await deliver(
      sampleClerkEvent('organization.updated', {
        ...organizations[1]!,
        name: 'Newer here',
        updated_at: T0 + 10_000,
      }),
    );
    await deliver(sampleClerkEvent('organization.deleted', organizations[2]!));
    api.setFault(({ path, count }) => {
      if (path === '/v1/organizations' && count % 3 === 0) {
        tooManyRequests += 1;
        return { status: 429, retryAfter: 0 };
      }
      return undefined;
    });

    const dry = await reconcile(['--json']);
    expect(dry.code, dry.err).toBe(EXIT.ok);
    const planned = JSON.parse(dry.out);
    expect(planned.organizations).toMatchObject({
      mode: 'dry-run',
      clerkObjects: 700,
      databaseObjects: 2,
      counts: { create: 697, update: 1, newerInDatabase: 1, deletedInDatabase: 1, unchanged: 0, invalid: 0 },
      missingFromClerk: 0,
      refused: false,
    });
    expect(planned.memberships).toMatchObject({
      clerkObjects: 3,
      counts: { create: 2, deletedInDatabase: 1 },
    });
    expect(planned.mode).toBe('dry-run'); // the users section, at the top level as before
    expect(await db.selectFrom('organizations').select('id').execute()).toHaveLength(2); // nothing written

    const applied = await reconcile(['--apply']);
    expect(applied.code, applied.err).toBe(EXIT.ok);
    expect(applied.out).toMatch(/^Organizations$/m);
    expect(applied.out).toMatch(/^ {2}Created\s+697$/m);
    expect(applied.out).toMatch(/^Memberships$/m);
    expect(tooManyRequests).toBeGreaterThan(0);
    const active = await db
      .selectFrom('organizations')
      .select(['clerk_id', 'name'])
      .where('is_active', '=', true)
      .execute();
    expect(active).toHaveLength(699);
    expect(active.find((o) => o.clerk_id === organizations[0]!.id)?.name).toBe('Org 0');
    expect(active.find((o) => o.clerk_id === organizations[1]!.id)?.name).toBe('Newer here');
    const rows = await db
      .selectFrom('organization_memberships')
      .select(['clerk_organization_id', 'organization_id', 'user_id', 'role'])
      .where('clerk_user_id', '=', user.id as string)
      .orderBy('clerk_organization_id')
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({
        clerk_organization_id: organizations[0]!.id,
        organization_id: expect.any(String),
        user_id: expect.any(String),
      }),
      expect.objectContaining({ clerk_organization_id: organizations[1]!.id, role: 'org:admin' }),
    ]);

    const again = JSON.parse((await reconcile(['--only', 'organizations', '--json'])).out);
    expect(again.organizations.counts).toMatchObject({ create: 0, update: 0, unchanged: 698 });
    expect(again.mode).toBeUndefined(); // --only organizations: no users section
  });

  it('refuses --apply when most organizations here are unknown to Clerk (another instance), writing nothing', async () => {
    const { db } = use();
    for (let i = 0; i < 3; i++) {
      await deliver(
        sampleClerkEvent('organization.created', sampleClerkOrganization({ id: `org_here_${kind}_${i}` })),
      );
    }
    const other = sampleClerkOrganization({ id: `org_elsewhere_${kind}` });
    api.organizations.set(other.id as string, other);
    const refused = await reconcile(['--only', 'organizations', '--apply']);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.err).toMatch(/Refused \(organizations\): 100% of them are not in Clerk/);
    expect(
      await db
        .selectFrom('organizations')
        .select('id')
        .where('clerk_id', '=', other.id as string)
        .execute(),
    ).toEqual([]);
    const forced = await reconcile(['--only', 'organizations', '--apply', '--force']);
    expect(forced.code).toBe(EXIT.ok);
    expect(
      await db
        .selectFrom('organizations')
        .select('id')
        .where('clerk_id', '=', other.id as string)
        .execute(),
    ).toHaveLength(1);
  });

  it('--only memberships reads only the memberships; an instance without organizations is skipped unless asked for', async () => {
    api.requests.length = 0;
    expect((await reconcile(['--only', 'memberships'])).code).toBe(EXIT.ok);
    expect(api.requests.filter((r) => r.startsWith('GET /v1/'))).toEqual([
      'GET /v1/organization_memberships',
    ]);
    api.setFault(({ path }) => (path.startsWith('/v1/organization') ? { status: 403 } : undefined));
    const all = await reconcile([]);
    expect(all.code, all.err).toBe(EXIT.ok);
    expect(all.out).toMatch(/Organizations: skipped \(Clerk answered 403/);
    const asked = await reconcile(['--only', 'organizations']);
    expect(asked.code).toBe(EXIT.failure);
    expect((await reconcile(['--only', 'groups'])).code).toBe(EXIT.usage);
  });
});
