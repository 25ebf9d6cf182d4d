import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findWebhookEvent } from '../webhook-events/webhook-event.repository.ts';
import {
  type ApplyResult,
  applyClerkEvent,
  applyClerkEvents,
  DeliveryFailedError,
} from './apply-clerk-event.ts';
import type { UserDeleteMode } from './sync-options.ts';

const T0 = 1_760_000_000_000;

// Two users' histories (a create, updates, maybe a delete), as one stream of deliveries that Svix may
// reorder and repeat. `events(ids)` builds it for any pair of Clerk ids, so the same stream can be
// applied twice to different users and the end states compared.
const streamArb = fc.record({
  users: fc.array(
    fc.record({
      names: fc.array(fc.constantFrom('Ada', 'Grace', 'Łukasz', '李', null), { minLength: 1, maxLength: 4 }),
      deleted: fc.boolean(),
    }),
    { minLength: 2, maxLength: 2 },
  ),
  extra: fc.array(fc.nat(), { maxLength: 8 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }),
  deleteMode: fc.constantFrom<UserDeleteMode>('soft', 'hard'),
});
type StreamShape = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;
// Plus the delivery order: a permutation of every event and every extra (repeated) delivery.
const shapedStreamArb = streamArb.chain((shape) => {
  const events = shape.users.reduce((n, u) => n + u.names.length + (u.deleted ? 1 : 0), 0);
  const indices = Array.from({ length: events + shape.extra.length }, (_, i) => i);
  return fc
    .shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length })
    .map((order) => ({ ...shape, order }));
});
type Stream = StreamShape & { order: number[] };

function deliveriesFor(stream: Stream, ids: string[]) {
  const events = stream.users.flatMap((user, u) => {
    const id = ids[u]!;
    const bodies = user.names.map((firstName, i) =>
      sampleClerkEvent(
        i === 0 ? 'user.created' : 'user.updated',
        sampleClerkUser({ id, createdAt: T0, updatedAt: T0 + i, firstName, email: `${id}@example.com` }),
      ),
    );
    if (user.deleted) bodies.push(sampleClerkEvent('user.deleted', { id }, { timestamp: T0 + 100 }));
    // Random svix-ids: their order (which decides the order inside a statement) is unrelated to history.
    return bodies.map((body) => ({ svixId: `msg_${randomUUID()}`, body: JSON.stringify(body) }));
  });
  // Every event at least once, some again (same svix-id), in the generated order.
  const all = [...events, ...stream.extra.map((n) => events[n % events.length]!)];
  return stream.order.map((i) => all[i]!);
}

function inBatches<T>(items: T[], sizes: number[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0, b = 0; i < items.length; b++) {
    const size = sizes[b % sizes.length]!;
    batches.push(items.slice(i, i + size));
    i += size;
  }
  return batches;
}

async function endState(db: Db, ids: string[]) {
  const rows = await db
    .selectFrom('users')
    .select(['clerk_id', 'first_name', 'clerk_updated_at', 'is_active', 'role'])
    .select((eb) => eb('deleted_at', 'is not', null).as('deleted'))
    .where('clerk_id', 'in', ids)
    .execute();
  const tombstones = await db
    .selectFrom('user_tombstones')
    .select('clerk_id')
    .where('clerk_id', 'in', ids)
    .execute();
  return ids.map((id, u) => {
    const row = rows.find((r) => r.clerk_id === id);
    const tombstoned = tombstones.some((t) => t.clerk_id === id);
    // A deleted user ends deleted; whether a soft-deleted row exists depends on whether a create came
    // before the delete (decision 002), which the order of arrival decides, batched or not.
    if (tombstoned) {
      expect(row === undefined || (!row.is_active && row.deleted)).toBe(true);
      return { user: u, deleted: true };
    }
    return { user: u, row: row ? { ...row, clerk_id: u } : null };
  });
}

describeEachDatabase('group commit (property)', (use, kind) => {
  it('applying any reordered, repeated stream in batches ends where applying it one by one ends', async () => {
    await fc.assert(
      fc.asyncProperty(shapedStreamArb, async (stream) => {
        const { db } = use();
        const oneByOne = [`user_${randomUUID()}`, `user_${randomUUID()}`];
        const batched = [`user_${randomUUID()}`, `user_${randomUUID()}`];
        const options = { deleteMode: stream.deleteMode };
        for (const delivery of deliveriesFor(stream, oneByOne)) await applyClerkEvent(db, delivery, options);
        const results: Array<ApplyResult | DeliveryFailedError> = [];
        for (const batch of inBatches(deliveriesFor(stream, batched), stream.batchSizes)) {
          results.push(...(await applyClerkEvents(db, batch, options)));
        }
        expect(results.filter((r) => r instanceof DeliveryFailedError)).toEqual([]);
        expect(await endState(db, batched)).toEqual(await endState(db, oneByOne));
      }),
      { numRuns: kind === 'pglite' ? 20 : 30 },
    );
  });

  it('one delivery that fails inside the database fails alone; the rest of its statement is applied', async () => {
    const { db } = use();
    // An app's own constraint on users that a Clerk payload can break: only that delivery may fail.
    await sql`ALTER TABLE users ADD CONSTRAINT test_no_boom CHECK (first_name IS DISTINCT FROM 'Boom')`.execute(
      db,
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.nat(), async (good, at) => {
        const deliveries = Array.from({ length: good + 1 }, (_, i) => {
          const firstName = i === at % (good + 1) ? 'Boom' : 'Ada';
          const user = sampleClerkUser({ createdAt: T0, firstName });
          return {
            svixId: `msg_${randomUUID()}`,
            body: JSON.stringify(sampleClerkEvent('user.created', user)),
          };
        });
        const bad = at % (good + 1);
        // Through the grouping path: all sent at once, so they share statements.
        const settled = await Promise.allSettled(deliveries.map((d) => applyClerkEvent(db, d)));
        for (const [i, outcome] of settled.entries()) {
          if (i === bad) {
            expect(outcome.status).toBe('rejected');
            expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DeliveryFailedError);
            expect(await findWebhookEvent(db, deliveries[i]!.svixId)).toMatchObject({ status: 'failed' });
          } else {
            expect(outcome).toMatchObject({ status: 'fulfilled', value: { status: 'applied' } });
            expect(await findWebhookEvent(db, deliveries[i]!.svixId)).toMatchObject({ status: 'applied' });
          }
        }
        const rows = await db
          .selectFrom('users')
          .select('first_name')
          .where('first_name', '=', 'Boom')
          .execute();
        expect(rows).toEqual([]);
      }),
      { numRuns: kind === 'pglite' ? 10 : 20 },
    );
  });

  it('two replicas applying the same users in opposite orders never deadlock', async () => {
    const database = use();
    if (database.kind !== 'postgres') return; // one in-process connection: nothing runs concurrently
    const other = database.openAnotherConnection();
    const users = Array.from({ length: 20 }, () => sampleClerkUser({ createdAt: T0 }));
    const stream = (updatedAt: number) =>
      users.map((u) => ({
        svixId: `msg_${randomUUID()}`,
        body: JSON.stringify(
          sampleClerkEvent('user.updated', sampleClerkUser({ id: u.id as string, createdAt: T0, updatedAt })),
        ),
      }));
    for (let round = 0; round < 5; round++) {
      const a = stream(T0 + round * 2);
      const b = stream(T0 + round * 2 + 1).reverse();
      const [ra, rb] = await Promise.all([applyClerkEvents(database.db, a), applyClerkEvents(other, b)]);
      expect([...ra, ...rb].filter((r) => r instanceof DeliveryFailedError)).toEqual([]);
    }
  });
});

describeEachDatabase('group commit (scheduling)', (use) => {
  it('one statement at a time, but a stalled one (a lock held elsewhere) does not hold up the next', async () => {
    const database = use();
    if (database.kind !== 'postgres') return; // one in-process connection: no lock can be held elsewhere
    const stalled = sampleClerkUser({ createdAt: T0 });
    const other = sampleClerkUser({ createdAt: T0 });
    const delivery = (user: Record<string, unknown>) => ({
      svixId: `msg_${randomUUID()}`,
      body: JSON.stringify(sampleClerkEvent('user.created', user)),
    });
    // Another replica's reconcile page holds the first user's lock.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held: () => void = () => {};
    const lockHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    const holder = database
      .openAnotherConnection()
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`usersync:user:${stalled.id}`}, 0))`.execute(
          trx,
        );
        held();
        await released;
      });
    await lockHeld;
    const first = applyClerkEvent(database.db, delivery(stalled));
    const second = await applyClerkEvent(database.db, delivery(other));
    // The second went as its own statement once the first had waited stallMs: applied while the first waits.
    expect(second).toMatchObject({ status: 'applied', clerkUserId: other.id });
    let firstSettled = false;
    void first.finally(() => {
      firstSettled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(firstSettled).toBe(false);
    release();
    await holder;
    expect(await first).toMatchObject({ status: 'applied', clerkUserId: stalled.id });
  });
});
