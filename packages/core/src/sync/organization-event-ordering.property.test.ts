import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { shuffled } from '../testing/shuffled.ts';
import { applyClerkEvent, applyClerkEvents, DeliveryFailedError } from './apply-clerk-event.ts';
import type { UserDeleteMode } from './sync-options.ts';

// Twins of event-ordering.property.test.ts for organizations and memberships: Svix may deliver a
// history in any order, any number of times, from several replicas at once.

const T0 = 1_760_000_000_000;

type Delivery = { svixId: string; body: string };
const delivery = (event: Record<string, unknown>): Delivery => ({
  svixId: `msg_${randomUUID()}`,
  body: JSON.stringify(event),
});

function withDuplicates<T>(items: T[], extra: number[], seed: number): T[] {
  return shuffled([...items, ...extra.map((n) => items[n % items.length]!)], seed);
}

const organizationHistoryArb = fc.record({
  names: fc.array(fc.constantFrom('Acme', 'Analytical Engines', 'Łódź Works', '株式会社', 'x'), {
    minLength: 1,
    maxLength: 6,
  }),
  slugs: fc.array(fc.option(fc.constantFrom('acme', 'engines', 'lodz'), { nil: null }), {
    minLength: 6,
    maxLength: 6,
  }),
  gaps: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 6, maxLength: 6 }),
  deleted: fc.boolean(),
  deleteMode: fc.constantFrom<UserDeleteMode>('soft', 'hard'),
  extraDeliveries: fc.array(fc.nat(), { maxLength: 6 }),
  seed: fc.integer(),
});
type OrganizationHistory = typeof organizationHistoryArb extends fc.Arbitrary<infer T> ? T : never;

function buildOrganizationHistory(history: OrganizationHistory) {
  const id = `org_${randomUUID()}`;
  let updatedAt = T0;
  const versions = history.names.map((name, i) => {
    if (i > 0) updatedAt += history.gaps[i]!;
    return sampleClerkOrganization({ id, name, slug: history.slugs[i]!, createdAt: T0, updatedAt });
  });
  const events = versions.map((org, i) =>
    delivery(sampleClerkEvent(i === 0 ? 'organization.created' : 'organization.updated', org)),
  );
  if (history.deleted) {
    events.push(delivery(sampleClerkEvent('organization.deleted', { id }, { timestamp: updatedAt + 1 })));
  }
  return { id, newest: versions.at(-1)!, events };
}

async function expectOrganizationState(
  db: Db,
  built: ReturnType<typeof buildOrganizationHistory>,
  history: OrganizationHistory,
) {
  const row = await db
    .selectFrom('organizations')
    .selectAll()
    .where('clerk_id', '=', built.id)
    .executeTakeFirst();
  if (history.deleted) {
    if (history.deleteMode === 'hard') expect(row).toBeUndefined();
    // Soft: inactive with deleted_at, or absent when the delete arrived before any create.
    else if (row) expect(row).toMatchObject({ is_active: false, deleted_at: expect.any(Date) });
    const tombstones = await db
      .selectFrom('organization_tombstones')
      .select('clerk_id')
      .where('clerk_id', '=', built.id)
      .execute();
    expect(tombstones).toHaveLength(1);
  } else {
    expect(row).toMatchObject({
      name: built.newest.name,
      slug: built.newest.slug,
      is_active: true,
      deleted_at: null,
      clerk_updated_at: new Date(built.newest.updated_at as number),
    });
  }
}

// A membership's history, delivered together with its organization's and its user's creation (and
// possibly their deletion): any order, so the membership often arrives before either.
const membershipHistoryArb = fc.record({
  roles: fc.array(fc.constantFrom('org:admin', 'org:member', 'org:billing'), { minLength: 1, maxLength: 5 }),
  gaps: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 5, maxLength: 5 }),
  /** Drifted payloads: no embedded organization, only organization_id. */
  embedOrganization: fc.boolean(),
  membershipDeleted: fc.boolean(),
  organizationDeleted: fc.boolean(),
  userDeleted: fc.boolean(),
  deleteMode: fc.constantFrom<UserDeleteMode>('soft', 'hard'),
  extraDeliveries: fc.array(fc.nat(), { maxLength: 6 }),
  seed: fc.integer(),
});
type MembershipHistory = typeof membershipHistoryArb extends fc.Arbitrary<infer T> ? T : never;

function buildMembershipHistory(history: MembershipHistory) {
  const organization = sampleClerkOrganization({ id: `org_${randomUUID()}`, createdAt: T0 });
  const user = sampleClerkUser({ id: `user_${randomUUID()}`, createdAt: T0 });
  const id = `orgmem_${randomUUID()}`;
  let updatedAt = T0;
  const versions = history.roles.map((role, i) => {
    if (i > 0) updatedAt += history.gaps[i]!;
    const membership = sampleClerkOrganizationMembership({
      id,
      organization,
      userId: user.id as string,
      role,
      createdAt: T0,
      updatedAt,
    });
    if (history.embedOrganization) return membership;
    const { organization: _, ...drifted } = membership;
    return { ...drifted, organization_id: organization.id };
  });
  const events = [
    delivery(sampleClerkEvent('organization.created', organization)),
    delivery(sampleClerkEvent('user.created', user)),
    ...versions.map((m, i) =>
      delivery(
        sampleClerkEvent(i === 0 ? 'organizationMembership.created' : 'organizationMembership.updated', m),
      ),
    ),
  ];
  if (history.membershipDeleted) {
    events.push(delivery(sampleClerkEvent('organizationMembership.deleted', versions.at(-1)!)));
  }
  if (history.organizationDeleted)
    events.push(delivery(sampleClerkEvent('organization.deleted', organization)));
  if (history.userDeleted) events.push(delivery(sampleClerkEvent('user.deleted', user)));
  return { id, organization, user, newest: versions.at(-1)!, events };
}

async function expectMembershipState(
  db: Db,
  built: ReturnType<typeof buildMembershipHistory>,
  history: MembershipHistory,
) {
  const rows = await db
    .selectFrom('organization_memberships')
    .selectAll()
    .where('clerk_id', '=', built.id)
    .execute();
  if (history.membershipDeleted || history.organizationDeleted || history.userDeleted) {
    // An ended membership leaves no row, whichever deletion ended it and wherever it came.
    expect(rows).toEqual([]);
    return;
  }
  const organization = await db
    .selectFrom('organizations')
    .select('id')
    .where('clerk_id', '=', built.organization.id as string)
    .executeTakeFirstOrThrow();
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('clerk_id', '=', built.user.id as string)
    .executeTakeFirstOrThrow();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    role: built.newest.role,
    clerk_organization_id: built.organization.id,
    clerk_user_id: built.user.id,
    // Linked, whether the membership arrived before its organization, its user, or both.
    organization_id: organization.id,
    user_id: user.id,
    clerk_updated_at: new Date(built.newest.updated_at as number),
  });
}

describeEachDatabase('organization and membership event ordering (property)', (use, kind) => {
  // As many "replicas" as the database allows: two pools on Postgres, one connection on PGlite.
  const connections = (): Db[] => {
    const database = use();
    return database.kind === 'postgres' ? [database.db, database.openAnotherConnection()] : [database.db];
  };

  it('an organization: any reordering and duplication ends at the newest version; a delete anywhere wins', async () => {
    await fc.assert(
      fc.asyncProperty(organizationHistoryArb, async (history) => {
        const { db } = use();
        const built = buildOrganizationHistory(history);
        for (const d of withDuplicates(built.events, history.extraDeliveries, history.seed)) {
          await applyClerkEvent(db, d, { deleteMode: history.deleteMode });
        }
        await expectOrganizationState(db, built, history);
      }),
      { numRuns: kind === 'pglite' ? 30 : 50 },
    );
  });

  it('a membership: newest version wins, deletes anywhere end it, and it ends linked to organization and user', async () => {
    await fc.assert(
      fc.asyncProperty(membershipHistoryArb, async (history) => {
        const { db } = use();
        const built = buildMembershipHistory(history);
        for (const d of withDuplicates(built.events, history.extraDeliveries, history.seed)) {
          const result = await applyClerkEvent(db, d, { deleteMode: history.deleteMode });
          expect(['applied', 'duplicate', 'stale']).toContain(result.status);
        }
        await expectMembershipState(db, built, history);
      }),
      { numRuns: kind === 'pglite' ? 30 : 50 },
    );
  });

  it('the same holds when every delivery is applied at once, from two pools', async () => {
    const dbs = connections();
    await fc.assert(
      fc.asyncProperty(organizationHistoryArb, membershipHistoryArb, async (orgHistory, history) => {
        const organization = buildOrganizationHistory(orgHistory);
        const membership = buildMembershipHistory(history);
        const deliveries = withDuplicates(
          [...organization.events, ...membership.events],
          history.extraDeliveries,
          history.seed,
        );
        const results = await Promise.all(
          deliveries.map((d, i) =>
            applyClerkEvent(dbs[i % dbs.length]!, d, { deleteMode: history.deleteMode }),
          ),
        );
        // Each svix-id is processed by exactly one call; the others see a duplicate.
        const processed = new Set<string>();
        for (const [i, result] of results.entries()) {
          if (result.status === 'duplicate' && result.reason === 'delivery already processed') continue;
          expect(processed.has(deliveries[i]!.svixId)).toBe(false);
          processed.add(deliveries[i]!.svixId);
        }
        await expectOrganizationState(use().db, organization, {
          ...orgHistory,
          deleteMode: history.deleteMode,
        });
        await expectMembershipState(use().db, membership, history);
        // One row each, never two.
        const counts = await use()
          .db.selectFrom('organizations')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('clerk_id', 'in', [organization.id, membership.organization.id as string])
          .executeTakeFirstOrThrow();
        const expectedRows =
          (orgHistory.deleted && history.deleteMode === 'hard' ? 0 : 1) +
          (history.organizationDeleted && history.deleteMode === 'hard' ? 0 : 1);
        expect(Number(counts.n)).toBeLessThanOrEqual(expectedRows);
      }),
      { numRuns: kind === 'pglite' ? 20 : 30 },
    );
  });

  it('two statements whose memberships cross organizations and users never deadlock', async () => {
    const database = use();
    if (database.kind !== 'postgres') return; // one in-process connection: nothing runs concurrently
    const other = database.openAnotherConnection();
    // Statement 1 writes a membership (organization A, user U) and then organization B; statement 2
    // writes organization B and then user U. Locking each delivery's subjects as the loop reaches them
    // crosses the orders (A, U, B against B, U); every subject up front does not.
    for (let round = 0; round < 40; round++) {
      // A sorts before B, so statement 1 reaches B last.
      const [a, b] = ['a', 'b'].map((n) =>
        sampleClerkOrganization({ id: `org_${n}${randomUUID()}`, createdAt: T0 }),
      );
      const user = sampleClerkUser({ id: `user_${randomUUID()}`, createdAt: T0 });
      const membership = sampleClerkOrganizationMembership({
        organization: a,
        userId: user.id as string,
        createdAt: T0,
      });
      const first = [
        delivery(sampleClerkEvent('organizationMembership.created', membership)),
        delivery(sampleClerkEvent('organization.created', b!)),
      ];
      const second = [
        delivery(sampleClerkEvent('organization.updated', { ...b!, updated_at: T0 + 1 })),
        delivery(sampleClerkEvent('user.created', user)),
      ];
      const [r1, r2] = await Promise.all([
        applyClerkEvents(database.db, first),
        applyClerkEvents(other, second),
      ]);
      expect([...r1, ...r2].filter((r) => r instanceof DeliveryFailedError)).toEqual([]);
    }
  });
});
