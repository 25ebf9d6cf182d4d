import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '../clerk/sample-clerk-payloads.ts';
import { createDatabase, type DatabaseHandle } from '../db/create-database.ts';
import { applyClerkUsers } from '../reconcile/apply-clerk-users.ts';
import { compareClerkUsers } from '../reconcile/compare-clerk-users.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';
import { mapClerkOrganization, mapClerkOrganizationMembership } from './map-clerk-organization.ts';
import { mapClerkUser } from './map-clerk-user.ts';
import { syncUserFromClerk } from './sync-user-from-clerk.ts';
import { writeOrganizationMemberships, writeOrganizations } from './write-clerk-organization.ts';

/**
 * A TCP proxy in front of the test database that reads what the client sends (PostgreSQL's frontend
 * protocol) and counts round trips: each Sync (extended protocol) or Query (simple protocol) message
 * is one request the client waits an answer for. Parse messages show whether a statement was re-parsed.
 */
async function countingProxy(
  target: URL,
): Promise<{ server: Server; port: number; counts: Map<string, number> }> {
  const counts = new Map<string, number>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    let buffer = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          // The startup message has no type byte: int32 length, then the protocol version and options.
          if (buffer.length < 4) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          buffer = buffer.subarray(length);
          started = true;
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        const type = String.fromCharCode(buffer[0]!);
        counts.set(type, (counts.get(type) ?? 0) + 1);
        buffer = buffer.subarray(1 + length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return { server, port: address.port, counts };
}

// Round trips are a network matter: PostgreSQL only (PGlite runs in-process).
describeEachDatabase(
  'one round trip per delivery',
  (use) => {
    let proxy: Awaited<ReturnType<typeof countingProxy>>;
    let handle: DatabaseHandle;
    beforeAll(async () => {
      proxy = await countingProxy(new URL(use().url!));
      const url = new URL(use().url!);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      handle = createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
    });
    afterAll(async () => {
      await handle.close();
      await new Promise((resolve) => proxy.server.close(resolve));
    });

    async function roundTrips(work: () => Promise<unknown>) {
      const before = new Map(proxy.counts);
      await work();
      const delta = (type: string) => (proxy.counts.get(type) ?? 0) - (before.get(type) ?? 0);
      return { roundTrips: delta('S') + delta('Q'), parses: delta('P') };
    }

    const deliver = (event: Record<string, unknown>, svixId = `msg_${randomUUID()}`) =>
      applyClerkEvent(handle.db, { svixId, body: JSON.stringify(event) });

    it('each kind of delivery, and a fallback sync, is one round trip; statements are parsed once', async () => {
      const T0 = 1_760_000_000_000;
      const user = sampleClerkUser({ createdAt: T0 });
      // The first call on the connection prepares the named statement (still one round trip).
      expect(await roundTrips(() => deliver(sampleClerkEvent('user.created', user)))).toEqual({
        roundTrips: 1,
        parses: 1,
      });
      const updated = sampleClerkUser({ id: user.id as string, createdAt: T0, updatedAt: T0 + 1 });
      const svixId = `msg_${randomUUID()}`;
      const cases: Array<[string, () => Promise<unknown>]> = [
        ['update', () => deliver(sampleClerkEvent('user.updated', updated), svixId)],
        ['duplicate', () => deliver(sampleClerkEvent('user.updated', updated), svixId)],
        ['stale', () => deliver(sampleClerkEvent('user.updated', user))],
        ['ignored', () => deliver(sampleClerkEvent('session.created', { id: 'sess_1' }))],
        ['invalid', () => deliver({ type: 'user.created', data: { id: 'user_x' } })],
        ['delete', () => deliver(sampleClerkEvent('user.deleted', { id: user.id }))],
      ];
      for (const [name, work] of cases) {
        expect({ name, ...(await roundTrips(work)) }).toEqual({ name, roundTrips: 1, parses: 0 });
      }
      const fresh = sampleClerkUser({ createdAt: T0 });
      expect(await roundTrips(() => syncUserFromClerk(handle.db, fresh))).toEqual({
        roundTrips: 1,
        parses: 1,
      });
      expect(await roundTrips(() => syncUserFromClerk(handle.db, fresh))).toEqual({
        roundTrips: 1,
        parses: 0,
      });
    });

    it('a reconcile page is one round trip to compare and one to write, however many users', async () => {
      const T0 = 1_760_000_000_000;
      const page = Array.from({ length: 40 }, () => sampleClerkUser({ createdAt: T0 }));
      // Half of them stored already, one tombstoned: every kind of comparison in one read.
      for (const user of page.slice(0, 20)) await syncUserFromClerk(handle.db, user);
      await deliver(sampleClerkEvent('user.deleted', { id: page[39]!.id }));
      const compared = await roundTrips(() => compareClerkUsers(handle.db, page));
      expect(compared.roundTrips).toBe(1);
      const fields = page.slice(20, 39).map((user) => mapClerkUser(user));
      expect((await roundTrips(() => applyClerkUsers(handle.db, fields, 'member'))).roundTrips).toBe(1);
    });

    it('a reconcile page of organizations or memberships is one round trip to write', async () => {
      const organizations = Array.from({ length: 10 }, () => sampleClerkOrganization());
      const orgFields = organizations.map((o) => mapClerkOrganization(o));
      const written = await roundTrips(() => writeOrganizations(handle.db, orgFields));
      expect(written.roundTrips).toBe(1);
      expect(await writeOrganizations(handle.db, orgFields)).toEqual(orgFields.map(() => 'unchanged'));
      const memberships = organizations.map((organization) =>
        mapClerkOrganizationMembership(sampleClerkOrganizationMembership({ organization })),
      );
      let outcomes: string[] = [];
      const membershipsWritten = await roundTrips(async () => {
        outcomes = await writeOrganizationMemberships(handle.db, memberships);
      });
      expect(membershipsWritten.roundTrips).toBe(1);
      expect(outcomes).toEqual(memberships.map(() => 'created'));
    });

    it('deliveries in flight together share statements: 16 at once are at most 2 round trips', async () => {
      const T0 = 1_760_000_000_000;
      const users = Array.from({ length: 16 }, () => sampleClerkUser({ createdAt: T0 }));
      // The first goes at once; the other 15 arrive while it runs and go together as the next statement.
      const counted = await roundTrips(async () => {
        const results = await Promise.all(users.map((u) => deliver(sampleClerkEvent('user.created', u))));
        expect(results.map((r) => r.status)).toEqual(users.map(() => 'applied'));
      });
      expect(counted.roundTrips).toBeLessThanOrEqual(2);
    });
  },
  ['postgres'],
);
