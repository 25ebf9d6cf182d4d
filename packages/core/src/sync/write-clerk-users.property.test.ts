import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Db } from '../db/create-database.ts';
import { createInvitation } from '../invitations/invitation.repository.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import type { ClerkUserFields } from './map-clerk-user.ts';
import { type WriteOutcome, writeClerkUser, writeClerkUsers } from './write-clerk-user.ts';

// usersync_write_clerk_users applies a page set-based (sync/usersync_write_clerk_users.sql). Its contract: each user's outcome
// and the final state are those of applying the page's users one by one, in (clerk_id, position) order,
// through the single-user rule (usersync_write_clerk_user, the webhook path). Pages here mix every
// outcome: new users (some sharing an invited address), newer, equal and older versions, deactivated,
// soft-deleted and tombstoned users, and the same user listed more than once.

const SLOTS = 5;
const BASE_MS = 1_750_000_000_000;

// Mostly new users (pages of new users claim invitations); every other start appears too.
const startArb = fc.oneof(
  { arbitrary: fc.constant('none'), weight: 3 },
  { arbitrary: fc.constantFrom('stored', 'deactivated', 'soft-deleted', 'tombstoned'), weight: 2 },
);
type Start = 'none' | 'stored' | 'deactivated' | 'soft-deleted' | 'tombstoned';

const entryArb = fc.record({
  slot: fc.integer({ min: 0, max: SLOTS - 1 }),
  // Relative to the stored version (BASE_MS + 10 s): older, equal, newer.
  versionOffsetMs: fc.constantFrom(-1_000, 0, 1, 5_000),
  // Few addresses, so new users compete for one invitation; case differs, invitations are lower-case.
  email: fc.constantFrom('a', 'A', 'b', null),
  emailVerified: fc.oneof(
    { arbitrary: fc.constant(true), weight: 3 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  firstName: fc.constantFrom('Ada', 'Grace', null),
});

const scenarioArb = fc.record({
  starts: fc.array(startArb, { minLength: SLOTS, maxLength: SLOTS }),
  invited: fc.subarray(['a', 'b']),
  entries: fc.array(entryArb, { minLength: 2, maxLength: 9 }),
  presentInClerk: fc.boolean(),
});
type Scenario = {
  starts: Start[];
  invited: string[];
  entries: Array<{
    slot: number;
    versionOffsetMs: number;
    email: string | null;
    emailVerified: boolean;
    firstName: string | null;
  }>;
  presentInClerk: boolean;
};

/** Everything a scenario names, inside its own namespace so runs never meet. */
function namespaced(ns: string) {
  return {
    clerkId: (slot: number) => `user_${ns}_${slot}`,
    email: (name: string) => `${name}@${ns}.example.com`,
  };
}

function fieldsOf(ns: string, entry: Scenario['entries'][number]): ClerkUserFields {
  const names = namespaced(ns);
  return {
    clerk_id: names.clerkId(entry.slot),
    email: entry.email === null ? null : names.email(entry.email),
    email_verified: entry.emailVerified,
    first_name: entry.firstName,
    last_name: null,
    username: null,
    image_url: null,
    phone_number: null,
    phone_verified: false,
    public_metadata: { slot: entry.slot },
    last_sign_in_at: null,
    clerk_created_at: new Date(BASE_MS),
    clerk_updated_at: new Date(BASE_MS + 10_000 + entry.versionOffsetMs),
  };
}

async function arrange(db: Db, ns: string, scenario: Scenario): Promise<void> {
  const names = namespaced(ns);
  for (const [slot, start] of scenario.starts.entries()) {
    if (start === 'none') continue;
    const clerkId = names.clerkId(slot);
    if (start !== 'tombstoned') {
      const stored = fieldsOf(ns, {
        slot,
        versionOffsetMs: 0,
        email: null,
        emailVerified: false,
        firstName: 'Stored',
      });
      await writeClerkUser(db, stored, 'member');
    }
    if (start === 'deactivated') {
      await db.updateTable('users').set({ is_active: false }).where('clerk_id', '=', clerkId).execute();
    }
    if (start === 'soft-deleted' || start === 'tombstoned') {
      const mode = start === 'soft-deleted' ? 'soft' : 'hard';
      await sql`SELECT usersync_delete_clerk_user(${clerkId}, ${new Date(BASE_MS + 20_000)}, ${mode})`.execute(
        db,
      );
    }
  }
  for (const name of scenario.invited) {
    await createInvitation(db, { email: names.email(name), role: `invited-${name}`, data: { via: name } });
  }
}

/** The namespace-free state the scenario left: per slot its row, per invitation who claimed it. */
async function stateOf(db: Db, ns: string) {
  const names = namespaced(ns);
  const users = await db
    .selectFrom('users')
    .leftJoin('user_settings', 'user_settings.user_id', 'users.id')
    .select([
      'users.id',
      'users.clerk_id',
      'users.email',
      'users.first_name',
      'users.role',
      'users.app_metadata',
      'users.is_active',
      'users.deleted_at',
      'users.clerk_updated_at',
      'user_settings.user_id as settings_of',
    ])
    .where('users.clerk_id', 'like', `user_${ns}_%`)
    .orderBy('users.clerk_id')
    .execute();
  const slotOfUser = new Map(users.map((u) => [u.id, u.clerk_id.replace(names.clerkId(0).slice(0, -1), '')]));
  const invitations = await db
    .selectFrom('invitations')
    .select(['email', 'claimed_by_user_id', 'claimed_at'])
    .where('email', 'like', `%@${ns}.example.com`)
    .orderBy('email')
    .execute();
  return {
    users: users.map(({ id, settings_of, clerk_id, email, ...u }) => ({
      ...u,
      slot: slotOfUser.get(id),
      email: email?.replace(ns, 'ns') ?? null,
      hasSettings: settings_of === id,
    })),
    invitations: invitations.map((i) => ({
      email: i.email.replace(ns, 'ns'),
      claimedBy: i.claimed_by_user_id === null ? null : (slotOfUser.get(i.claimed_by_user_id) ?? 'unknown'),
      claimed: i.claimed_at !== null,
    })),
  };
}

describeEachDatabase('usersync_write_clerk_users (property)', (use, kind) => {
  it('a page ends where applying its users one by one in (clerk_id, position) order ends', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { db } = use();
        const options = { presentInClerk: scenario.presentInClerk };
        const [paged, oneByOne] = [randomUUID().slice(0, 8), randomUUID().slice(0, 8)];
        await arrange(db, paged, scenario);
        await arrange(db, oneByOne, scenario);

        const pageOutcomes = await writeClerkUsers(
          db,
          scenario.entries.map((e) => fieldsOf(paged, e)),
          'member',
          options,
        );
        // Slots sort the same as their Clerk ids (one digit), so this is (clerk_id, position) order.
        const order = scenario.entries
          .map((e, i) => ({ e, i }))
          .sort((x, y) => x.e.slot - y.e.slot || x.i - y.i);
        const singleOutcomes: WriteOutcome[] = new Array(scenario.entries.length);
        for (const { e, i } of order) {
          singleOutcomes[i] = (await writeClerkUser(db, fieldsOf(oneByOne, e), 'member', options)).outcome;
        }

        expect(pageOutcomes).toEqual(singleOutcomes);
        expect(await stateOf(db, paged)).toEqual(await stateOf(db, oneByOne));
      }),
      { numRuns: kind === 'pglite' ? 40 : 60 },
    );
  });
});
