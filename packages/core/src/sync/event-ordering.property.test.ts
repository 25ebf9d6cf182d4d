import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { shuffled } from '../testing/shuffled.ts';
import { findUserByClerkId } from '../users/user.repository.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';
import { mapClerkUser } from './map-clerk-user.ts';
import type { UserDeleteMode } from './sync-options.ts';

// A user's true history in Clerk: created, some updates with strictly increasing updated_at, maybe a
// delete at the end. Svix may deliver it in any order, any number of times.
const versionArb = fc.record({
  firstName: fc.option(
    fc.string({ maxLength: 20 }).map((s) => s.replaceAll('\u0000', '')),
    { nil: null },
  ),
  lastName: fc.option(fc.constantFrom('Lovelace', 'Hopper', 'Łukasiewicz', '李', ''), { nil: null }),
  email: fc.option(fc.constantFrom('a@example.com', 'b@example.com', 'C@Example.com'), { nil: null }),
  gapMs: fc.integer({ min: 1, max: 100_000 }),
});

type VersionSpec = { firstName: string | null; lastName: string | null; email: string | null; gapMs: number };

const historyArb = fc.record({
  versions: fc.array(versionArb, { minLength: 1, maxLength: 6 }),
  deleted: fc.boolean(),
  deleteMode: fc.constantFrom<UserDeleteMode>('soft', 'hard'),
  // Each delivery is an index into the event list; every event appears at least once, some twice or more.
  extraDeliveries: fc.array(fc.nat(), { maxLength: 6 }),
  seed: fc.integer(),
});

function buildEvents(history: { versions: VersionSpec[]; deleted: boolean }) {
  const id = `user_${randomUUID()}`;
  const createdAt = 1_750_000_000_000;
  let updatedAt = createdAt;
  const users = history.versions.map((v, i) => {
    if (i > 0) updatedAt += v.gapMs;
    return sampleClerkUser({
      id,
      createdAt,
      updatedAt,
      firstName: v.firstName,
      lastName: v.lastName,
      email: v.email,
    });
  });
  const events = users.map((user, i) => ({
    svixId: `msg_${randomUUID()}`,
    body: JSON.stringify(sampleClerkEvent(i === 0 ? 'user.created' : 'user.updated', user)),
  }));
  if (history.deleted) {
    events.push({
      svixId: `msg_${randomUUID()}`,
      body: JSON.stringify(sampleClerkEvent('user.deleted', { id }, { timestamp: updatedAt + 1 })),
    });
  }
  return { id, newest: users[users.length - 1]!, events };
}

async function expectFinalState(
  db: Db,
  built: ReturnType<typeof buildEvents>,
  deleted: boolean,
  deleteMode: UserDeleteMode,
) {
  const row = await findUserByClerkId(db, built.id);
  if (deleted && deleteMode === 'hard') {
    expect(row).toBeNull();
  } else if (deleted) {
    expect(row?.is_active ?? false).toBe(false);
    // A soft-deleted row may be absent if the delete arrived before any create; never active.
    if (row) expect(row.deleted_at).not.toBeNull();
  } else {
    const { clerk_id, ...expected } = mapClerkUser(built.newest);
    expect(row).toMatchObject({ ...expected, clerk_id, is_active: true, deleted_at: null });
  }
  if (deleted) {
    const tombstone = await db
      .selectFrom('user_tombstones')
      .select('clerk_id')
      .where('clerk_id', '=', built.id)
      .execute();
    expect(tombstone).toHaveLength(1);
  }
}

describeEachDatabase('event ordering (property)', (use, kind) => {
  it('any reordering and duplication of a history ends in the newest state; a delete anywhere wins', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const { db } = use();
        const built = buildEvents(history);
        const deliveries = shuffled(
          [...built.events, ...history.extraDeliveries.map((n) => built.events[n % built.events.length]!)],
          history.seed,
        );
        for (const delivery of deliveries) {
          await applyClerkEvent(db, delivery, { deleteMode: history.deleteMode });
        }
        await expectFinalState(db, built, history.deleted, history.deleteMode);
      }),
      { numRuns: kind === 'pglite' ? 40 : 60 },
    );
  });

  it('the same holds when every delivery is applied at once, from separate connections', async () => {
    const database = use();
    // Two pools on Postgres, as two API replicas would have; PGlite has one in-process connection.
    const connections =
      database.kind === 'postgres' ? [database.db, database.openAnotherConnection()] : [database.db];
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const built = buildEvents(history);
        const deliveries = shuffled(
          [...built.events, ...history.extraDeliveries.map((n) => built.events[n % built.events.length]!)],
          history.seed,
        );
        const results = await Promise.all(
          deliveries.map((d, i) =>
            applyClerkEvent(connections[i % connections.length]!, d, { deleteMode: history.deleteMode }),
          ),
        );
        // Every svix-id is applied (or found stale/duplicate) by exactly one call; the rest see duplicate.
        const firstSeen = new Set<string>();
        for (const [i, result] of results.entries()) {
          if (result.status !== 'duplicate') {
            expect(firstSeen.has(deliveries[i]!.svixId)).toBe(false);
            firstSeen.add(deliveries[i]!.svixId);
          }
        }
        await expectFinalState(database.db, built, history.deleted, history.deleteMode);
      }),
      { numRuns: kind === 'pglite' ? 25 : 40 },
    );
  });
});
