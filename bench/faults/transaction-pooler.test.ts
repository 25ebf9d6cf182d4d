// usersync behind a transaction pooler: Debian's PgBouncer in `pool_mode = transaction` in front of the
// run's PostgreSQL, with few server connections, so API processes and CLI runs share them as they do
// behind Supabase's port 6543 or Neon's `-pooler` host (docs/decisions/150, 151). Real processes: the
// production API and the `usersync` binary.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createDatabase,
  listReconcileRuns,
  migrateToLatest,
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
  withReconcileLock,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns, startFakeClerkBackendApi } from '@usersync/testing/clerk';
import {
  openTestDatabase,
  startThrowawayPgBouncer,
  type TestDatabase,
  type ThrowawayPgBouncer,
} from '@usersync/testing/database';
import { runCliProcess } from '@usersync/testing/processes';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUnderTest, type Delivery, mapConcurrent, send, startApi, userHistories } from './support.ts';

const WEB_ORIGIN = 'http://127.0.0.1:5173';
let bouncer: ThrowawayPgBouncer;
let clerk: ClerkStandIns;
const adminUrl = () => process.env.USERSYNC_TEST_POSTGRES_URL as string;

beforeAll(async () => {
  bouncer = await startThrowawayPgBouncer({
    postgresPort: Number(new URL(adminUrl()).port),
    serverConnections: 4,
  });
  clerk = await startClerkStandIns();
});
afterAll(async () => {
  await clerk?.close();
  bouncer?.destroy();
});

/** What every process here gets: the stand-ins' Clerk, and the pooler's mode. */
function clerkEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLERK_SECRET_KEY: clerk.keys.secretKey,
    CLERK_PUBLISHABLE_KEY: clerk.keys.publishableKey,
    CLERK_JWT_KEY: clerk.signer.publicKeyPem.replace(/\n/g, '\\n'),
    CLERK_API_URL: clerk.clerkApi.url,
    ...extra,
  };
}

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** An empty database (no migrations yet), its direct URL and its URL through the pooler. */
async function emptyDatabase(): Promise<{ direct: string; pooled: string; drop(): Promise<void> }> {
  const name = `usersync_pooler_${randomBytes(5).toString('hex')}`;
  await query(adminUrl(), `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    direct: url.toString(),
    pooled: bouncer.urlFor(url.toString()),
    drop: () => query(adminUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}),
  };
}

/** Session advisory locks (and any other) left on the server: none may outlive what took them. */
const advisoryLocks = (directUrl: string) =>
  query<{ n: number }>(directUrl, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'").then(
    (rows) => rows[0]!.n,
  );

describe('API replicas started together with MIGRATE_ON_START=true on a fresh database', () => {
  for (const through of ['direct', 'pooler'] as const) {
    it(`one migrates, the others wait for it and start (${through})`, async () => {
      const database = await emptyDatabase();
      const url = through === 'direct' ? database.direct : database.pooled;
      const replicas = await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          startApi(url, `pooler-migrate-${through}-${name}`, {
            env: {
              MIGRATE_ON_START: 'true',
              LOG_LEVEL: 'info',
              ...(through === 'pooler' ? { DATABASE_POOL_MODE: 'transaction' } : {}),
            },
          }),
        ),
      );
      try {
        expect(replicas.map((r) => r.exited())).toEqual([false, false, false]);
        const migrated = replicas.filter((r) => r.output().includes('Applied '));
        expect(migrated, 'exactly one replica applied the migrations').toHaveLength(1);
        const applied = await query<{ name: string }>(database.direct, 'SELECT name FROM kysely_migration');
        expect(new Set(applied.map((m) => m.name)).size).toBe(applied.length);
        expect(applied.map((m) => m.name)).toContain('2026_12_07_0100_reconcile_lease');
        expect(await advisoryLocks(database.direct)).toBe(0);
      } finally {
        await Promise.all(replicas.map((r) => r.stop()));
        await database.drop();
      }
    });
  }
});

describe('migrations through the pooler', () => {
  it('four runners started at the same instant amid other traffic: one applies, the others find nothing pending, no lock left', async () => {
    const database = await emptyDatabase();
    const handles = Array.from({ length: 4 }, () =>
      createDatabase({ kind: 'postgres', url: database.pooled, poolSize: 2, poolMode: 'transaction' }),
    );
    // Other clients' statements take whichever server connection is free between the runners' own.
    const traffic = new pg.Pool({ connectionString: database.pooled, max: 6 });
    let migrating = true;
    const busy = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (migrating) await traffic.query('SELECT pg_sleep(0.002)');
      }),
    );
    try {
      const applied = await Promise.all(handles.map((h) => migrateToLatest(h.db))).finally(() => {
        migrating = false;
      });
      await busy;
      const counts = applied.map((names) => names.length).sort((a, b) => b - a);
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts.slice(1)).toEqual([0, 0, 0]);
      expect(await advisoryLocks(database.direct)).toBe(0);
    } finally {
      migrating = false;
      await traffic.end();
      await Promise.all(handles.map((h) => h.close()));
      await database.drop();
    }
  });
});

describe('webhooks, organizations and the fallback sync through the pooler, and a restart under load', () => {
  let database: TestDatabase;
  let pooled: string;
  let replicas: ApiUnderTest[] = [];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    pooled = bouncer.urlFor(database.url as string);
    const first = await startApi(pooled, 'pooler-a', {
      secret: clerk.webhookSecret,
      env: clerkEnv({ DATABASE_POOL_MODE: 'transaction' }),
    });
    // DATABASE_POOL_MODE left unset, as a user who did not know the URL is a pooler's would.
    const second = await startApi(pooled, 'pooler-b', { secret: clerk.webhookSecret, env: clerkEnv() });
    replicas = [first, second];
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await database?.close();
  });

  const deliveryOf = (event: Record<string, unknown>, label: string): Delivery => ({
    svixId: `msg_${randomBytes(12).toString('hex')}`,
    body: JSON.stringify(event),
    label,
  });

  it('applies user and organization deliveries sent to both replicas, and redeliveries after one restarts', async () => {
    const { deliveries } = userHistories({ users: 40, updates: 3, deleteEvery: 5 });
    const organization = sampleClerkOrganization({ name: 'Pooled Engines' });
    const member = sampleClerkUser();
    const orgDeliveries = [
      deliveryOf(sampleClerkEvent('user.created', member), 'user.created member'),
      deliveryOf(sampleClerkEvent('organization.created', organization), 'organization.created'),
      deliveryOf(
        sampleClerkEvent(
          'organizationMembership.created',
          sampleClerkOrganizationMembership({ organization, userId: member.id as string, role: 'org:admin' }),
        ),
        'organizationMembership.created',
      ),
    ];
    const all = [...deliveries, ...orgDeliveries];
    const [a] = replicas as [ApiUnderTest, ApiUnderTest];
    // Under load: a stream to replica a while replica b is stopped and a new process takes its place.
    const stream = mapConcurrent(all, 8, (d, i) => send(i % 2 === 0 ? a : (replicas[1] as ApiUnderTest), d));
    await sleep(150);
    await replicas[1]!.stop();
    replicas[1] = await startApi(pooled, 'pooler-b-restarted', {
      secret: clerk.webhookSecret,
      env: clerkEnv(),
    });
    const firstAttempts = await stream;
    // Deliveries sent to the stopping process may have failed: Svix delivers them again, as every other.
    const redelivered = await mapConcurrent(all, 8, (d, i) => send(replicas[i % 2] as ApiUnderTest, d));
    expect(
      redelivered.filter((r) => r.status !== 200),
      'every redelivery after the restart is answered 200',
    ).toEqual([]);
    expect(firstAttempts.filter((r) => r.status >= 500 && r.status !== 503)).toEqual([]);

    const events = await database.db
      .selectFrom('webhook_events')
      .select(['svix_id', 'status'])
      .where(
        'svix_id',
        'in',
        all.map((d) => d.svixId),
      )
      .execute();
    expect(events).toHaveLength(all.length);
    expect(events.filter((e) => !['applied', 'duplicate', 'stale'].includes(e.status))).toEqual([]);
    const membership = await database.db
      .selectFrom('organization_memberships')
      .select('role')
      .where('clerk_organization_id', '=', organization.id as string)
      .execute();
    expect(membership).toEqual([{ role: 'org:admin' }]);
  });

  it('makes a signed-in user’s row on first sign-in (the fallback sync reads Clerk)', async () => {
    const user = sampleClerkUser();
    clerk.clerkApi.users.set(user.id as string, user);
    for (const replica of replicas) {
      const response = await fetch(`${replica.url}/api/v1/users/sync`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${clerk.signer.sign({ userId: user.id as string, azp: WEB_ORIGIN })}`,
        },
      });
      expect([200, 201]).toContain(response.status);
    }
    const rows = await database.db
      .selectFrom('users')
      .select('clerk_id')
      .where('clerk_id', '=', user.id as string)
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe('reconcile through the pooler', () => {
  let database: TestDatabase;
  let pooled: string;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    pooled = bouncer.urlFor(database.url as string);
    for (let i = 0; i < 30; i++) {
      const user = sampleClerkUser({ id: `user_pooled_${String(i).padStart(3, '0')}` });
      clerk.clerkApi.users.set(user.id as string, user);
    }
  });
  afterAll(async () => {
    clerk.clerkApi.setFault(undefined);
    await database?.close();
  });
  const cli = (args: string[], env: Record<string, string> = {}, options: { timeoutMs?: number } = {}) =>
    runCliProcess(
      args,
      clerkEnv({ DATABASE_URL: pooled, DATABASE_POOL_MODE: 'transaction', RECONCILE_PAGE_SIZE: '5', ...env }),
      options,
    );

  it('runs full then incremental runs, and a failed or killed run never blocks the next beyond its lease', async () => {
    const full = await cli(['reconcile', '--apply']);
    expect(full.code, full.stderr).toBe(0);
    const incremental = await cli(['reconcile', '--since', 'last', '--apply']);
    expect(incremental.code, incremental.stderr).toBe(0);

    // A run that fails (Clerk refuses the secret key) lets the next one start at once.
    clerk.clerkApi.setFault(() => ({ status: 403 }));
    const failed = await cli(['reconcile', '--apply']);
    expect(failed.code).not.toBe(0);
    clerk.clerkApi.setFault(undefined);

    // A run killed mid-way on another machine (SIGKILL: no clean-up at all) keeps its lease until it
    // expires, no longer.
    // A slow Clerk keeps it waiting for its first page when the kill comes.
    const slowClerk = await startFakeClerkBackendApi({ secretKey: clerk.keys.secretKey, latencyMs: 10_000 });
    for (const [id, user] of clerk.clerkApi.users) slowClerk.users.set(id, user);
    const killed = await cli(
      ['reconcile', '--apply'],
      { CLERK_API_URL: slowClerk.url, RECONCILE_LEASE_SECONDS: '5' },
      { timeoutMs: 6_000 },
    );
    const killedAt = Date.now();
    await slowClerk.close();
    expect(killed.signal, `${killed.code}: ${killed.stderr}`).toBe('SIGKILL');
    // From this host the dead holder's lease would be taken over at once (reconcile-lock.test.ts); as
    // another machine sees it, the lease stands until it expires.
    await database.db
      .updateTable('reconcile_lease')
      .set({ holder: sql`'another-host' || substr(holder, strpos(holder, ':'))` })
      .execute();
    expect(await withReconcileLock(database.db, async () => 'too early')).toEqual({ acquired: false });
    await sleep(Math.max(0, killedAt + 5_100 - Date.now()));
    const after = await cli(['reconcile', '--apply']);
    expect(after.code, after.stderr).toBe(0);

    const runs = (await listReconcileRuns(database.db, 10)).reverse();
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['full', 'succeeded'],
      ['incremental', 'succeeded'],
      ['full', 'failed'],
      ['full', 'interrupted'],
      ['full', 'succeeded'],
    ]);
    expect(await advisoryLocks(database.url as string)).toBe(0);
  });

  it('scheduled by two replicas: each slot runs once, never two runs at a time', async () => {
    const schedule = {
      RECONCILE_SCHEDULE: 'incremental=2s',
      DATABASE_POOL_MODE: 'transaction',
      LOG_LEVEL: 'info',
    };
    const scheduled = await openTestDatabase('postgres');
    const url = bouncer.urlFor(scheduled.url as string);
    const replicas = await Promise.all([
      startApi(url, 'pooler-schedule-a', { env: clerkEnv(schedule) }),
      startApi(url, 'pooler-schedule-b', { env: clerkEnv(schedule) }),
    ]);
    try {
      const deadline = Date.now() + 30_000;
      let runs = await listReconcileRuns(scheduled.db, 50);
      while (runs.filter((r) => r.status === 'succeeded').length < 3 && Date.now() < deadline) {
        await sleep(200);
        runs = await listReconcileRuns(scheduled.db, 50);
      }
      const finished = runs.filter((r) => r.status !== 'running').reverse();
      expect(finished.length).toBeGreaterThanOrEqual(3);
      expect(finished.filter((r) => r.status !== 'succeeded')).toEqual([]);
      // Never two at a time: each run starts after the previous one finished.
      for (let i = 1; i < finished.length; i++) {
        expect(finished[i]!.started_at.getTime()).toBeGreaterThanOrEqual(
          finished[i - 1]!.finished_at!.getTime(),
        );
      }
      const users = await scheduled.db.selectFrom('users').select('clerk_id').execute();
      expect(users.length).toBeGreaterThanOrEqual(30);
      expect(replicas.map((r) => r.exited())).toEqual([false, false]);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await scheduled.close();
    }
  });
});
