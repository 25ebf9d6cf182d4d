import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { createInvitation } from '../invitations/invitation.repository.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { shuffled } from '../testing/shuffled.ts';
import {
  type ApplyResult,
  applyClerkEvent,
  applyClerkEvents,
  type ClerkDelivery,
} from './apply-clerk-event.ts';
import { loneDeliveryCounts } from './lone-user-upsert.ts';
import type { UserDeleteMode } from './sync-options.ts';

// A delivery with nothing else in flight goes through the one-statement lone path (lone-user-upsert.ts);
// applyClerkEvents always goes through the group function. Both must end in the same place for any
// history Svix can deliver: reordered, repeated, with invitations, tombstones and invalid attempts.

const historyArb = fc.record({
  versions: fc.array(
    fc.record({
      firstName: fc.option(fc.constantFrom('Ada', 'Grace', 'Łukasz', ''), { nil: null }),
      email: fc.option(fc.constantFrom('a', 'b', 'A'), { nil: null }),
      verified: fc.boolean(),
      gapMs: fc.integer({ min: 0, max: 1_000 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  invitation: fc.option(fc.constantFrom('a', 'b'), { nil: null }),
  deleted: fc.boolean(),
  deleteMode: fc.constantFrom<UserDeleteMode>('soft', 'hard'),
  // A svix-id first recorded invalid (a body that failed validation), then delivered properly.
  invalidFirst: fc.boolean(),
  extraDeliveries: fc.array(fc.nat(), { maxLength: 5 }),
  seed: fc.integer(),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

/** The history's deliveries for one namespace (its own user id, addresses and svix-ids). */
function deliveriesOf(history: History, namespace: string): ClerkDelivery[] {
  const id = `user_${namespace}_${randomUUID()}`;
  const address = (local: string) => `${local}@${namespace}.example`;
  const createdAt = 1_750_000_000_000;
  let updatedAt = createdAt;
  const events = history.versions.map((v, i) => {
    updatedAt += i === 0 ? 0 : v.gapMs; // a gap of 0: the same updated_at again (unchanged)
    const user = sampleClerkUser({
      id,
      createdAt,
      updatedAt,
      firstName: v.firstName,
      email: v.email === null ? null : address(v.email),
      emailVerified: v.verified,
    });
    return sampleClerkEvent(i === 0 ? 'user.created' : 'user.updated', user);
  });
  if (history.deleted) events.push(sampleClerkEvent('user.deleted', { id }, { timestamp: updatedAt + 1 }));
  const deliveries: ClerkDelivery[] = events.map((event, i) => ({
    svixId: `msg_${namespace}_${i}_${id}`,
    body: JSON.stringify(event),
  }));
  const extra = history.extraDeliveries.map((n) => deliveries[n % deliveries.length]!);
  const all = shuffled([...deliveries, ...extra], history.seed);
  // Svix's first attempt of the first delivery carried a body we refused (recorded invalid).
  if (history.invalidFirst) all.unshift({ svixId: deliveries[0]!.svixId, body: '{"type":"user.created"}' });
  return all;
}

function outcomeOf(result: ApplyResult | Error) {
  if (result instanceof Error) return { failed: result.message };
  return { status: result.status, reason: result.reason ?? null, hasUser: result.userId !== undefined };
}

/** Everything a delivery can change, with the namespace taken out so two namespaces compare. */
async function stateOf(db: Db, deliveries: readonly ClerkDelivery[], namespace: string) {
  const clerkId = (JSON.parse(deliveries.at(-1)!.body) as { data: { id: string } }).data.id;
  const strip = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value ?? null)
        .replaceAll(clerkId, 'user')
        .replaceAll(namespace, 'ns'),
    );
  const user = await db
    .selectFrom('users')
    .select([
      'id',
      'clerk_id',
      'email',
      'email_verified',
      'first_name',
      'role',
      'app_metadata',
      'is_active',
      'deleted_at',
      'clerk_updated_at',
    ])
    .where('clerk_id', '=', clerkId)
    .executeTakeFirst();
  const settings = user
    ? await db.selectFrom('user_settings').select('theme').where('user_id', '=', user.id).execute()
    : [];
  const events = await db
    .selectFrom('webhook_events')
    .select(['svix_id', 'type', 'clerk_user_id', 'status', 'error', 'attempts', 'payload'])
    .where(
      'svix_id',
      'in',
      deliveries.map((d) => d.svixId),
    )
    .orderBy('svix_id')
    .execute();
  const invitations = await db
    .selectFrom('invitations')
    .select(['email', 'role', 'claimed_by_user_id', 'claimed_at'])
    .where('email', 'like', `%@${namespace}.example`)
    .execute();
  const tombstones = await db
    .selectFrom('user_tombstones')
    .select('clerk_id')
    .where('clerk_id', '=', clerkId)
    .execute();
  return strip({
    user: user ? { ...user, id: undefined, deleted: user.deleted_at !== null, deleted_at: undefined } : null,
    settings: settings.length,
    // The payload's other fields (ids of addresses, image URLs) are random per namespace: its type.
    events: events.map((e) => ({
      ...e,
      svix_id: e.svix_id.replace(/_user_.*$/, ''),
      payload: (e.payload as { type?: string } | null)?.type ?? null,
    })),
    invitations: invitations.map(({ claimed_at, ...i }) => ({
      claimed: claimed_at === null ? null : 'claimed',
      ...i,
      claimedByTheUser: user ? i.claimed_by_user_id === user.id : null,
      claimed_by_user_id: undefined,
    })),
    tombstones: tombstones.length,
  });
}

describeEachDatabase('lone delivery path (property)', (use, kind) => {
  it('a lone delivery ends exactly where the group function ends: outcomes, user, settings, record, invitation', async () => {
    const { db } = use();
    const before = { ...loneDeliveryCounts };
    let upserts = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const run = randomUUID().slice(0, 8);
        const lone = deliveriesOf(history, `l${run}`);
        const group = deliveriesOf(history, `g${run}`);
        if (history.invitation) {
          await createInvitation(db, {
            email: `${history.invitation}@l${run}.example`,
            role: 'admin',
            data: { via: 'x' },
          });
          await createInvitation(db, {
            email: `${history.invitation}@g${run}.example`,
            role: 'admin',
            data: { via: 'x' },
          });
        }
        const options = { deleteMode: history.deleteMode };
        for (const [i, delivery] of lone.entries()) {
          upserts +=
            /"type":"user\.(created|updated)"/.test(delivery.body) && delivery.body.includes('"data":{')
              ? 1
              : 0;
          const viaLone = await applyClerkEvent(db, delivery, options).catch((error: Error) => error);
          const [viaGroup] = await applyClerkEvents(db, [group[i]!], options);
          expect(outcomeOf(viaLone)).toEqual(outcomeOf(viaGroup!));
        }
        expect(await stateOf(db, lone, `l${run}`)).toEqual(await stateOf(db, group, `g${run}`));
      }),
      { numRuns: kind === 'pglite' ? 30 : 50 },
    );
    // Every user upsert applied alone took the lone path, and none raised.
    expect(loneDeliveryCounts.applied - before.applied).toBe(upserts);
    expect(loneDeliveryCounts.failed - before.failed).toBe(0);
  });

  it('lone statements racing each other and groups from separate connections keep every guarantee', async () => {
    const database = use();
    // Several pools on PostgreSQL, as API replicas have: each one's first delivery goes alone (lone
    // statement), the rest of its burst as a group; they race on one user. PGlite has one connection.
    const connections =
      database.kind === 'postgres'
        ? [database.db, database.openAnotherConnection(), database.openAnotherConnection()]
        : [database.db];
    const before = { ...loneDeliveryCounts };
    await fc.assert(
      fc.asyncProperty(historyArb, async (generated) => {
        // Versions strictly newer one after the other: two versions with one updated_at have no newest.
        const history = {
          ...generated,
          versions: generated.versions.map((v) => ({ ...v, gapMs: v.gapMs + 1 })),
        };
        const run = randomUUID().slice(0, 8);
        const raced = deliveriesOf(history, `r${run}`);
        if (history.invitation) {
          await createInvitation(database.db, {
            email: `${history.invitation}@r${run}.example`,
            role: 'admin',
          });
        }
        const options = { deleteMode: history.deleteMode };
        const results = await Promise.all(
          raced.map((d, i) =>
            applyClerkEvent(connections[i % connections.length]!, d, options).catch((e: Error) => e),
          ),
        );
        // No delivery fails; each svix-id is applied (or found stale/duplicate) by exactly one call.
        const decided = new Set<string>();
        for (const [i, result] of results.entries()) {
          expect(result).not.toBeInstanceOf(Error);
          const { status } = result as ApplyResult;
          if (status !== 'duplicate' && status !== 'invalid') {
            expect(decided.has(raced[i]!.svixId)).toBe(false);
            decided.add(raced[i]!.svixId);
          }
        }
        // The end state is the history's whatever the order (decision 071): a delete wins, else the newest
        // version; the role comes from the invitation exactly when the user claimed it.
        const end = await stateOf(database.db, raced, `r${run}`);
        const newest = history.versions.at(-1)!;
        if (history.deleted) {
          expect(end.tombstones).toBe(1);
          if (history.deleteMode === 'hard') expect(end.user).toBeNull();
          else if (end.user) expect(end.user).toMatchObject({ is_active: false, deleted: true });
        } else {
          expect(end.user).toMatchObject({
            first_name: newest.firstName || null,
            email: newest.email === null ? null : `${newest.email}@ns.example`,
            is_active: true,
            deleted: false,
          });
          const claimed = end.invitations.some((i: { claimedByTheUser: boolean }) => i.claimedByTheUser);
          expect(end.user.role).toBe(claimed ? 'admin' : 'member');
        }
        expect(end.settings).toBe(end.user ? 1 : 0);
        // One record per svix-id, none failed; an invitation is open or claimed by this user.
        expect(end.events.map((e: { svix_id: string }) => e.svix_id)).toEqual(
          [...new Set(raced.map((d) => d.svixId.replace(/_user_.*$/, '').replace(`r${run}`, 'ns')))].sort(),
        );
        expect(end.events.filter((e: { status: string }) => e.status === 'failed')).toEqual([]);
        for (const invitation of end.invitations) {
          expect(invitation.claimedByTheUser === false && invitation.claimed !== null).toBe(false);
        }
      }),
      { numRuns: kind === 'pglite' ? 20 : 40 },
    );
    expect(loneDeliveryCounts.applied - before.applied).toBeGreaterThan(0);
    expect(loneDeliveryCounts.failed - before.failed).toBe(0);
  });
});
