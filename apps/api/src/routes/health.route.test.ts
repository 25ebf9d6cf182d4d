import { sampleClerkEvent, sampleClerkUser } from '@usersync/core/clerk';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, deliver } from '../testing/index.ts';

describeEachDatabase('GET /api/health', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk));
  });
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  it('asks the database on every call, and reuses the (costly) user count for a while', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/health' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: 'ok', database: 'up', users: 0, lastWebhookAt: null });

    const delivered = await deliver(app, clerk, sampleClerkEvent('user.created', sampleClerkUser()));
    expect(delivered.statusCode).toBe(200);

    const second = (await app.inject({ method: 'GET', url: '/api/health' })).json();
    // lastWebhookAt is read fresh; the user count is the one from 'first', still within its 15 s.
    expect(second.lastWebhookAt).toEqual(expect.any(String));
    expect(second.users).toBe(0);
  });
});
