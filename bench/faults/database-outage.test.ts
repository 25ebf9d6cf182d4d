// PostgreSQL stops in the middle of a stream of deliveries and comes back. The API must answer 503 for
// every delivery it could not write (never 2xx for an unwritten one), and once Svix has redelivered the
// failed ones the database must hold exactly what the history says: nothing lost, nothing twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '@usersync/testing/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../src/databases.ts';
import {
  type ApiUnderTest,
  applyInOrder,
  type Delivery,
  interleave,
  mapConcurrent,
  readState,
  type SendResult,
  send,
  startApi,
  userHistories,
} from './support.ts';

describe('database outage during a stream of deliveries', () => {
  let postgres: ThrowawayPostgres;
  let databaseUrl: string;
  let api: ApiUnderTest;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    databaseUrl = await createMigratedDatabase(postgres.url, 'outage');
    api = await startApi(databaseUrl, 'fault-database-outage');
  });
  afterAll(async () => {
    await api?.stop();
    postgres?.destroy();
  });

  it('answers 503 while it cannot write, and loses or duplicates nothing after redelivery', async () => {
    const { deliveries, clerkIds } = userHistories({ users: 50, updates: 2, deleteEvery: 5 });
    const stream = interleave(deliveries, 2026);
    const stopAt = Math.floor(stream.length * 0.3);
    const restartAt = Math.floor(stream.length * 0.6);
    const attempts = new Map<string, SendResult[]>();
    const record = (d: Delivery, r: SendResult) =>
      attempts.set(d.svixId, [...(attempts.get(d.svixId) ?? []), r]);
    let healthDuringOutage: number | null = null;

    // First pass, as the deliveries happen: 4 in flight. Postgres stops while requests are in flight,
    // stays down for a stretch of deliveries, then comes back.
    await mapConcurrent(stream, 4, async (delivery, index) => {
      if (index === stopAt) {
        postgres.stop();
        healthDuringOutage = await fetch(`${api.url}/api/health`).then(
          (r) => r.status,
          () => 0,
        );
      }
      if (index === restartAt) postgres.start();
      record(delivery, await send(api, delivery));
    });

    expect(api.exited(), 'the API survives the outage').toBe(false);
    const firstPass = stream.map((d) => (attempts.get(d.svixId) ?? [])[0] as SendResult);
    const unexpected = firstPass.filter((r) => r.status !== 200 && r.status !== 503);
    expect(unexpected, 'only 200 (written) or 503 (not written, retry)').toEqual([]);
    const failed = stream.filter((d) => attempts.get(d.svixId)?.[0]?.status !== 200);
    expect(failed.length, 'the outage made some deliveries fail').toBeGreaterThan(stream.length * 0.2);
    expect(healthDuringOutage).toBe(503);
    // 503s carry Retry-After in Svix's sense: nothing of them was applied yet.
    const written = new Set((await readState(databaseUrl)).events.map((e) => e.svix_id));
    const answered200 = stream.filter((d) => attempts.get(d.svixId)?.[0]?.status === 200);
    expect(answered200.filter((d) => !written.has(d.svixId)).map((d) => d.label)).toEqual([]);

    // Svix redelivers each failed one (same svix-id and body, new signature) until it gets a 2xx.
    let pending = failed;
    for (let round = 0; round < 8 && pending.length > 0; round++) {
      await sleep(round === 0 ? 0 : 250);
      const results = await mapConcurrent(pending, 4, async (d) => {
        const result = await send(api, d);
        record(d, result);
        return result;
      });
      expect(results.filter((r) => r.status !== 200 && r.status !== 503)).toEqual([]);
      pending = pending.filter((_, i) => results[i]?.status !== 200);
    }
    expect(
      pending.map((d) => d.label),
      'every delivery is accepted after the outage',
    ).toEqual([]);

    // The reference: the history applied once, in order, by one process on its own database.
    const reference = await openTestDatabase('postgres');
    try {
      await applyInOrder(reference.db, stream);
      const expected = await readState(reference.url as string);
      const actual = await readState(databaseUrl);
      expect(expected.liveUsers.length).toBeGreaterThan(30);
      expect(actual.liveUsers).toEqual(expected.liveUsers);
      expect(actual.tombstones).toEqual(expected.tombstones);
      expect(actual.deletedRowsActive).toBe(0);
      expect(actual.usersWithoutSettings).toBe(0);
      // Exactly one event row per delivery, each settled; no user twice.
      expect(actual.events.map((e) => e.svix_id).sort()).toEqual(stream.map((d) => d.svixId).sort());
      expect(actual.events.filter((e) => !['applied', 'duplicate', 'stale'].includes(e.status))).toEqual([]);
      expect(new Set(actual.liveUsers.map((u) => u.clerk_id)).size).toBe(actual.liveUsers.length);
      expect(actual.liveUsers.every((u) => clerkIds.has(String(u.clerk_id)))).toBe(true);
    } finally {
      await reference.close();
    }
  });
});
