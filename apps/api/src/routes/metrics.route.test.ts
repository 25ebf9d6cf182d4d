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

const TOKEN = 'metrics-token-for-the-tests-0123456789';

/** One sample's value from the text exposition, or undefined when the series is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describeEachDatabase('GET /api/metrics', (use, kind) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  const scrape = async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk, {
      config: { metrics: { token: TOKEN, public: false } },
      poolStats: use().poolStats,
    }));
  });
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  it('answers 401 without the token or with a wrong one, and 403 when neither token nor public', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const response = await app.inject({
        method: 'GET',
        url: '/api/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json()).toMatchObject({ code: 'unauthorized' });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const { app: closed } = await buildTestApp(use().db, clerk, {
      config: { metrics: { token: null, public: false } },
    });
    try {
      const response = await closed.inject({ method: 'GET', url: '/api/metrics' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toMatch(/METRICS_TOKEN/);
    } finally {
      await closed.close();
    }
  });

  it('serves the text exposition format with process metrics and the pool gauges', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toMatch(/^# HELP usersync_webhook_deliveries_total /m);
    expect(text).toMatch(/^# TYPE usersync_webhook_processing_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE usersync_webhook_lag_seconds histogram$/m);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'usersync_last_webhook_delivery_timestamp_seconds')).toBe(0);
    if (kind === 'postgres') {
      expect(sample(text, 'usersync_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'usersync_db_pool_connections', { state: 'in_use' })).toBe(0);
      expect(sample(text, 'usersync_db_pool_waiting')).toBe(0);
    } else {
      expect(text).not.toMatch(/usersync_db_pool_connections/);
    }
  });

  it('counts deliveries by type and outcome, their duration and their lag', async () => {
    const user = sampleClerkUser();
    const emitted = Date.now() - 30_000;
    const event = sampleClerkEvent('user.created', user, { timestamp: emitted });
    expect((await deliver(app, clerk, event, { svixId: 'msg_metrics_1' })).statusCode).toBe(200);
    expect((await deliver(app, clerk, event, { svixId: 'msg_metrics_1' })).statusCode).toBe(200);
    const forged = await deliver(app, clerk, event, { headers: { 'svix-signature': 'v1,AAAA' } });
    expect(forged.statusCode).toBe(400);
    expect((await deliver(app, clerk, { type: 'user.created', data: {} })).statusCode).toBe(422);

    const text = await scrape();
    expect(
      sample(text, 'usersync_webhook_deliveries_total', { type: 'user.created', outcome: 'applied' }),
    ).toBe(1);
    expect(
      sample(text, 'usersync_webhook_deliveries_total', { type: 'user.created', outcome: 'duplicate' }),
    ).toBe(1);
    expect(sample(text, 'usersync_webhook_deliveries_total', { type: 'unknown', outcome: 'rejected' })).toBe(
      1,
    );
    expect(
      sample(text, 'usersync_webhook_deliveries_total', { type: 'user.created', outcome: 'invalid' }),
    ).toBe(1);
    // Rejected deliveries are not processed: three timed, one (the applied one) with a lag.
    expect(sample(text, 'usersync_webhook_processing_seconds_count')).toBe(3);
    expect(sample(text, 'usersync_webhook_lag_seconds_count')).toBe(1);
    expect(sample(text, 'usersync_webhook_lag_seconds_bucket', { le: '10' })).toBe(0);
    expect(sample(text, 'usersync_webhook_lag_seconds_bucket', { le: '60' })).toBe(1);
    expect(sample(text, 'usersync_last_webhook_delivery_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });

  it('counts fallback syncs by outcome and Clerk Backend API calls by status', async () => {
    const user = sampleClerkUser();
    clerk.clerkApi.users.set(user.id as string, user);
    const sync = (id: string) =>
      app.inject({ method: 'POST', url: '/api/v1/users/sync', headers: bearer(clerk, id) });
    expect((await sync(user.id as string)).statusCode).toBe(201);
    expect((await sync(user.id as string)).statusCode).toBe(200); // the row exists: no Clerk call
    expect((await sync('user_not_in_clerk')).statusCode).toBe(410);

    const text = await scrape();
    expect(sample(text, 'usersync_fallback_syncs_total', { outcome: 'created' })).toBe(1);
    expect(sample(text, 'usersync_fallback_syncs_total', { outcome: 'gone' })).toBe(1);
    expect(sample(text, 'usersync_clerk_api_requests_total', { operation: 'get_user', status: '200' })).toBe(
      1,
    );
    expect(sample(text, 'usersync_clerk_api_requests_total', { operation: 'get_user', status: '404' })).toBe(
      1,
    );
  });

  it('reports the last reconcile run and the drift it found, whoever ran it', async () => {
    clerk.clerkApi.users.set('user_drifted', sampleClerkUser({ id: 'user_drifted' }));
    const before = await scrape();
    expect(sample(before, 'usersync_last_reconcile_drift_found', { kind: 'full' })).toBeUndefined();
    const result = await runRecordedReconcile(
      use().db,
      () => clerkBackendUserSource({ secretKey: clerk.keys.secretKey, apiUrl: clerk.clerkApi.url }),
      { trigger: 'cli', kind: 'full', apply: true },
    );
    if (result.outcome !== 'ran') throw new Error(`reconcile did not run: ${result.outcome}`);
    // Drift: the user Clerk has and we lacked, plus the users earlier tests delivered that Clerk lacks.
    expect(result.run.counts).toMatchObject({ users: { create: 1 } });
    expect(result.run.drift_found).toBeGreaterThanOrEqual(1);
    const text = await scrape();
    expect(sample(text, 'usersync_last_reconcile_drift_found', { kind: 'full' })).toBe(
      result.run.drift_found,
    );
    expect(sample(text, 'usersync_last_reconcile_timestamp_seconds', { kind: 'full' })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });
});
