import {
  clerkBackendUserSource,
  runRecordedReconcile,
  sampleClerkEvent,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, buildTestApp, deliver } from '../testing/index.ts';

const OK = { status: 'ok', reasons: [] };

describeEachDatabase('GET /api/health', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  const health = async (on = app) => {
    const response = await on.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const reasons = async (on = app) => (await health(on)).sync.reasons.map((r: { code: string }) => r.code);
  const fullReconcile = () =>
    runRecordedReconcile(
      use().db,
      () => clerkBackendUserSource({ secretKey: clerk.keys.secretKey, apiUrl: clerk.clerkApi.url }),
      { trigger: 'cli', kind: 'full', apply: true, force: true },
    );
  /** Clerk holds every user the database holds, so a reconcile finds no drift. */
  const clerkHoldsEveryStoredUser = async () => {
    for (const row of await use().db.selectFrom('users').select(['clerk_id', 'clerk_updated_at']).execute()) {
      if (clerk.clerkApi.users.has(row.clerk_id)) continue;
      clerk.clerkApi.users.set(
        row.clerk_id,
        sampleClerkUser({ id: row.clerk_id, updatedAt: row.clerk_updated_at?.getTime() }),
      );
    }
  };

  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk));
  });
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  it('asks the database on every call, and reuses the (costly) user count for a while', async () => {
    expect(await health()).toEqual({ status: 'ok', database: 'up', users: 0, lastWebhookAt: null, sync: OK });

    const delivered = await deliver(app, clerk, sampleClerkEvent('user.created', sampleClerkUser()));
    expect(delivered.statusCode).toBe(200);

    const second = await health();
    // lastWebhookAt is read fresh; the user count is the one from 'first', still within its 15 s.
    expect(second.lastWebhookAt).toEqual(expect.any(String));
    expect(second.users).toBe(0);
  });

  it('is degraded while a failed delivery is not recovered, and ok once its redelivery applies', async () => {
    const user = sampleClerkUser();
    const broken = await deliver(
      app,
      clerk,
      { type: 'user.created', data: { id: user.id } },
      { svixId: 'msg_broken' },
    );
    expect(broken.statusCode).toBe(422);
    const degraded = await health();
    expect(degraded.status).toBe('ok'); // load balancers keep routing: the replica itself is fine
    expect(degraded.sync).toEqual({
      status: 'degraded',
      reasons: [
        { code: 'deliveries_failed', message: expect.stringMatching(/^1 webhook deliveries failed/) },
      ],
    });
    // The same svix-id delivered again, this time usable (e.g. after a fix): the record says applied.
    const redelivered = await deliver(app, clerk, sampleClerkEvent('user.created', user), {
      svixId: 'msg_broken',
    });
    expect(redelivered.json()).toEqual({ status: 'applied' });
    expect((await health()).sync).toEqual(OK);
  });

  it('is degraded when the last reconcile found drift, and ok after one that found none', async () => {
    await clerkHoldsEveryStoredUser();
    // Changed in Clerk while no webhook came: drift.
    clerk.clerkApi.users.set('user_drifted', sampleClerkUser({ id: 'user_drifted' }));
    const drifted = await fullReconcile();
    expect(drifted).toMatchObject({ outcome: 'ran', run: { drift_found: 1 } });
    expect(await reasons()).toEqual(['reconcile_drift']);
    const clean = await fullReconcile();
    expect(clean).toMatchObject({ outcome: 'ran', run: { drift_found: 0 } });
    expect((await health()).sync).toEqual(OK);
  });

  it('is degraded when users sign in (fallback sync creates them) but no delivery arrived for STALE_AFTER', async () => {
    const { app: strict } = await buildTestApp(use().db, clerk, { config: { staleAfterMs: 300 } });
    try {
      // A fresh delivery: nothing is silent yet.
      expect(
        (await deliver(strict, clerk, sampleClerkEvent('user.created', sampleClerkUser()))).statusCode,
      ).toBe(200);
      expect((await health(strict)).sync).toEqual(OK);

      // A user signs in; Clerk's webhook for them never comes.
      const user = sampleClerkUser();
      clerk.clerkApi.users.set(user.id as string, user);
      const synced = await strict.inject({
        method: 'POST',
        url: '/api/v1/users/sync',
        headers: bearer(clerk, user.id as string),
      });
      expect(synced.json()).toMatchObject({ status: 'created' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const silent = (await health(strict)).sync;
      expect(silent.status).toBe('degraded');
      expect(silent.reasons.map((r: { code: string }) => r.code)).toEqual(['webhooks_silent']);
      expect(silent.reasons[0].message).toMatch(
        /no webhook delivery since .* check the Clerk webhook endpoint/,
      );

      // Deliveries arrive again (the user's own user.created, late): ok.
      expect((await deliver(strict, clerk, sampleClerkEvent('user.created', user))).statusCode).toBe(200);
      expect((await health(strict)).sync).toEqual(OK);
    } finally {
      await strict.close();
    }
  });
});
