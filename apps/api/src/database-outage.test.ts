import {
  createDatabase,
  type DatabaseHandle,
  findUserByClerkId,
  findWebhookEvent,
  migrateToLatest,
  sampleClerkEvent,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { startThrowawayPostgres, type ThrowawayPostgres } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, deliver } from './testing/index.ts';

// The database goes away mid-test (its own Postgres server, stopped and started again): every route
// answers 503 without writing half of anything, and Svix's redeliveries afterwards lose nothing.
describe('database outage', () => {
  let server: ThrowawayPostgres;
  let database: DatabaseHandle;
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  beforeAll(async () => {
    server = await startThrowawayPostgres();
    database = createDatabase({ kind: 'postgres', url: server.url, poolSize: 5 });
    await migrateToLatest(database.db);
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(database.db, clerk));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await clerk?.close();
    server?.destroy();
  });

  it('answers 503 while the database is down, then applies redeliveries without loss', async () => {
    const ada = sampleClerkUser({ firstName: 'Ada', updatedAt: 1_800_000_000_000 });
    const grace = sampleClerkUser({ firstName: 'Grace' });
    const katherine = sampleClerkUser({ firstName: 'Katherine' });
    clerk.clerkApi.users.set(katherine.id as string, katherine);
    expect((await deliver(app, clerk, sampleClerkEvent('user.created', ada))).json()).toEqual({
      status: 'applied',
    });

    server.stop();

    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({
      status: 'error',
      database: 'down',
      users: null,
      lastWebhookAt: null,
      sync: null,
    });

    // Deliveries Svix will retry: the same svix-id and body, signed afresh each time.
    const failed = [
      { svixId: 'msg_outage_create', body: JSON.stringify(sampleClerkEvent('user.created', grace)) },
      {
        svixId: 'msg_outage_update',
        body: JSON.stringify(
          sampleClerkEvent('user.updated', {
            ...ada,
            first_name: 'Augusta Ada',
            updated_at: 1_800_000_000_500,
          }),
        ),
      },
    ];
    for (const { svixId, body } of failed) {
      const response = await deliver(app, clerk, body, { svixId });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.json()).toEqual({
        error: expect.not.stringMatching(/ECONNREFUSED|127\.0\.0\.1|postgres/i),
        code: 'database_unavailable',
      });
    }
    const clerkCallsBefore = clerk.clerkApi.requests.length;
    for (const request of [
      { method: 'POST' as const, url: '/api/v1/users/sync', headers: bearer(clerk, katherine.id as string) },
      { method: 'GET' as const, url: '/api/v1/users/profile', headers: bearer(clerk, ada.id as string) },
      {
        method: 'PATCH' as const,
        url: '/api/v1/users/profile',
        headers: bearer(clerk, ada.id as string),
        payload: { theme: 'dark' },
      },
    ]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
    }
    // The database is asked first; Clerk is not called for nothing.
    expect(clerk.clerkApi.requests.length).toBe(clerkCallsBefore);

    server.start();

    // Nothing half-written: the failed deliveries left no trace, the user is as before.
    for (const { svixId } of failed) expect(await findWebhookEvent(database.db, svixId)).toBeNull();
    expect((await findUserByClerkId(database.db, ada.id as string))?.first_name).toBe('Ada');
    expect(await findUserByClerkId(database.db, grace.id as string)).toBeNull();

    // Svix redelivers, in the other order for good measure.
    for (const { svixId, body } of [...failed].reverse()) {
      const response = await deliver(app, clerk, body, { svixId });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'applied' });
    }
    const synced = await app.inject({
      method: 'POST',
      url: '/api/v1/users/sync',
      headers: bearer(clerk, katherine.id as string),
    });
    expect(synced.statusCode).toBe(201);

    expect((await findUserByClerkId(database.db, ada.id as string))?.first_name).toBe('Augusta Ada');
    expect((await findUserByClerkId(database.db, grace.id as string))?.first_name).toBe('Grace');
    expect((await findUserByClerkId(database.db, katherine.id as string))?.first_name).toBe('Katherine');
    const recovered = await app.inject({ method: 'GET', url: '/api/health' });
    expect(recovered.statusCode).toBe(200);
    expect(recovered.json()).toMatchObject({ status: 'ok', database: 'up', users: 3 });
  });
});
