// Two API processes on one database receive the same event histories at the same time, each in its own
// order, with the same svix-ids (Svix may deliver an attempt to either replica). The result must be the
// state one process reaches applying the events once, in Clerk's order.
import { createInvitation } from '@usersync/core/internal';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiUnderTest,
  applyInOrder,
  interleave,
  mapConcurrent,
  readState,
  send,
  shuffle,
  startApi,
  userHistories,
} from './support.ts';

const SEEDS = [11, 12, 13];

describe('two API replicas on one database', () => {
  let shared: TestDatabase;
  let replicas: ApiUnderTest[] = [];

  beforeAll(async () => {
    shared = await openTestDatabase('postgres');
    const first = await startApi(shared.url as string, 'fault-two-replicas-a');
    const second = await startApi(shared.url as string, 'fault-two-replicas-b', { secret: first.secret });
    replicas = [first, second];
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await shared?.close();
  });

  it.each(SEEDS)('ends in the in-order state whatever the order of arrival (seed %i)', async (seed) => {
    const { deliveries, emails, clerkIds } = userHistories({ users: 30, updates: 3, deleteEvery: 4 });
    // Two users were invited: whichever event creates their row must give them the invited role.
    const invited = [emails[1] as string, emails[6] as string];
    for (const email of invited) await createInvitation(shared.db, { email, role: 'admin' });

    const [a, b] = replicas as [ApiUnderTest, ApiUnderTest];
    const orderA = shuffle(deliveries, seed);
    const orderB = shuffle(deliveries, seed * 7919);
    const [resultsA, resultsB] = await Promise.all([
      mapConcurrent(orderA, 8, (d) => send(a, d)),
      mapConcurrent(orderB, 8, (d) => send(b, d)),
    ]);
    const failures = [...resultsA, ...resultsB].filter((r) => r.status !== 200);
    expect(failures, 'every delivery is answered 200 by both replicas').toEqual([]);
    expect(a.exited() || b.exited()).toBe(false);

    // The reference: the same events applied once, in Clerk's order, by one process.
    const reference = await openTestDatabase('postgres');
    try {
      for (const email of invited) await createInvitation(reference.db, { email, role: 'admin' });
      await applyInOrder(reference.db, interleave(deliveries, seed));
      const expected = await readState(reference.url as string);
      const actual = await readState(shared.url as string);
      const ours = new Set(deliveries.map((d) => d.svixId));
      const isOurs = (row: Record<string, unknown>) => clerkIds.has(String(row.clerk_id));

      const deletedUsers = deliveries.filter((d) => d.label.startsWith('user.deleted')).length;
      expect(expected.liveUsers).toHaveLength(clerkIds.size - deletedUsers);
      expect(expected.tombstones).toHaveLength(deletedUsers);
      // Earlier seeds left their users in the shared database: compare this history's only.
      expect(actual.liveUsers.filter(isOurs)).toEqual(expected.liveUsers);
      expect(actual.tombstones.filter(isOurs)).toEqual(expected.tombstones);
      expect(expected.liveUsers.filter((u) => u.role === 'admin')).toHaveLength(invited.length);
      expect(actual.deletedRowsActive).toBe(0);
      expect(actual.usersWithoutSettings).toBe(0);
      // One row per svix-id, each settled.
      const events = actual.events.filter((e) => ours.has(e.svix_id));
      expect(events).toHaveLength(deliveries.length);
      expect(events.filter((e) => !['applied', 'duplicate', 'stale'].includes(e.status))).toEqual([]);
    } finally {
      await reference.close();
    }
  });
});
