import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { createInvitation } from '../invitations/invitation.repository.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';
import { syncUserFromClerk } from './sync-user-from-clerk.ts';

const T0 = 1_760_000_000_000;

async function rowsFor(db: Db, clerkId: string) {
  return db.selectFrom('users').selectAll().where('clerk_id', '=', clerkId).execute();
}

describeEachDatabase('concurrent sync of one new user', (use) => {
  // As many "replicas" as the database allows: separate pools on Postgres, one connection on PGlite.
  function replicas(n: number): Db[] {
    const database = use();
    if (database.kind === 'pglite') return Array.from({ length: n }, () => database.db);
    return [database.db, ...Array.from({ length: n - 1 }, () => database.openAnotherConnection())];
  }

  it('webhook deliveries and fallback syncs racing on a new user end with one row and no error', async () => {
    const dbs = replicas(4);
    const user = sampleClerkUser({ createdAt: T0 });
    const created = JSON.stringify(sampleClerkEvent('user.created', user));
    const calls = Array.from({ length: 24 }, (_, i) => {
      const db = dbs[i % dbs.length]!;
      return i % 2 === 0
        ? applyClerkEvent(db, { svixId: `msg_${randomUUID()}`, body: created })
        : syncUserFromClerk(db, user);
    });
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await rowsFor(use().db, user.id as string);
    expect(rows).toHaveLength(1);
    const settings = await use()
      .db.selectFrom('user_settings')
      .selectAll()
      .where('user_id', '=', rows[0]!.id)
      .execute();
    expect(settings).toHaveLength(1);
    // Exactly one call created the row; the rest saw it.
    const outcomes = results.map((r) =>
      r.status === 'fulfilled' ? ('outcome' in r.value ? r.value.outcome : r.value.status) : 'error',
    );
    expect(outcomes.filter((o) => o === 'created' || o === 'applied')).toHaveLength(1);
  });

  it('the same svix-id delivered to several replicas at once is applied once', async () => {
    const dbs = replicas(4);
    const user = sampleClerkUser({ createdAt: T0 });
    const delivery = {
      svixId: `msg_${randomUUID()}`,
      body: JSON.stringify(sampleClerkEvent('user.created', user)),
    };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => applyClerkEvent(dbs[i % dbs.length]!, delivery)),
    );
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(11);
    const event = await use()
      .db.selectFrom('webhook_events')
      .selectAll()
      .where('svix_id', '=', delivery.svixId)
      .execute();
    expect(event).toMatchObject([{ status: 'applied', attempts: 1 }]);
  });

  it('an invitation is claimed by exactly one of several users racing for it', async () => {
    const dbs = replicas(4);
    const email = `race-${randomUUID()}@example.com`;
    await createInvitation(use().db, { email, role: 'owner' });
    const users = Array.from({ length: 6 }, () => sampleClerkUser({ email, createdAt: T0 }));
    await Promise.all(users.map((u, i) => syncUserFromClerk(dbs[i % dbs.length]!, u)));
    const rows = await use().db.selectFrom('users').select('role').where('email', '=', email).execute();
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.role === 'owner')).toHaveLength(1);
  });

  it('a delete racing creates and updates always ends deleted (property)', async () => {
    const dbs = replicas(3);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.nat({ max: 8 }), async (updates, deleteAt) => {
        const id = `user_${randomUUID()}`;
        const bodies = Array.from({ length: updates }, (_, i) =>
          JSON.stringify(
            sampleClerkEvent(
              i === 0 ? 'user.created' : 'user.updated',
              sampleClerkUser({ id, createdAt: T0, updatedAt: T0 + i }),
            ),
          ),
        );
        bodies.splice(
          Math.min(deleteAt, bodies.length),
          0,
          JSON.stringify(sampleClerkEvent('user.deleted', { id })),
        );
        await Promise.all(
          bodies.map((body, i) =>
            applyClerkEvent(dbs[i % dbs.length]!, { svixId: `msg_${randomUUID()}`, body }),
          ),
        );
        const rows = await rowsFor(use().db, id);
        expect(rows.every((r) => !r.is_active && r.deleted_at !== null)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
