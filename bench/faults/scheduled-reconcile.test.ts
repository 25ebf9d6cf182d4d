// Scheduled reconcile inside the API (RECONCILE_SCHEDULE), run by two production API processes on one
// PostgreSQL database, against the Clerk Backend API stand-in: each slot runs once, runs never overlap,
// a 429 is waited out, a user changed while webhooks were down is repaired, and SIGTERM in the middle of
// a run leaves it recorded `interrupted` with only whole pages written.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReconcileRunRow } from '@usersync/core/internal';
import { findUserByClerkId, listReconcileRuns, sampleClerkUser } from '@usersync/core/internal';
import { type FakeClerkBackendApi, startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiUnderTest, startApi } from './support.ts';

const SLOT_MS = 2_000;

function addUsers(api: FakeClerkBackendApi, prefix: string, count: number, updatedAt: number) {
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${String(i).padStart(5, '0')}`;
    // Distinct update times: newest-first paging is then one well-defined order.
    api.users.set(id, sampleClerkUser({ id, createdAt: updatedAt - 1_000 + i, updatedAt: updatedAt + i }));
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('scheduled reconcile with two API replicas on one database', () => {
  const keys = testClerkKeys();
  let database: TestDatabase;
  let clerk: FakeClerkBackendApi;
  let replicas: ApiUnderTest[] = [];
  const start = (name: string, schedule: string, extra: Record<string, string> = {}) =>
    startApi(database.url as string, name, {
      env: {
        CLERK_SECRET_KEY: keys.secretKey,
        CLERK_PUBLISHABLE_KEY: keys.publishableKey,
        CLERK_API_URL: clerk.url,
        RECONCILE_SCHEDULE: schedule,
        LOG_LEVEL: 'info',
        ...extra,
      },
    });

  beforeEach(async () => {
    database = await openTestDatabase('postgres');
  });
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    replicas = [];
    await clerk?.close();
    await database?.close();
  });

  it('runs each slot once, never two runs at a time, waits out a 429, and repairs what webhooks missed', async () => {
    clerk = await startFakeClerkBackendApi({
      secretKey: keys.secretKey,
      latencyMs: 20,
      // Clerk's rate limit, once: the run waits for Retry-After and carries on.
      fault: ({ count }) => (count === 1 ? { status: 429, retryAfter: 1 } : undefined),
    });
    addUsers(clerk, 'user_sched', 60, 1_700_000_000_000);
    replicas = await Promise.all([
      start('fault-schedule-a', `incremental=${SLOT_MS / 1000}s`, { RECONCILE_PAGE_SIZE: '10' }),
      start('fault-schedule-b', `incremental=${SLOT_MS / 1000}s`, { RECONCILE_PAGE_SIZE: '10' }),
    ]);
    const scheduled = async () =>
      (await listReconcileRuns(database.db, 100)).filter((r) => r.trigger === 'schedule').reverse();

    // The first run reads everything (no watermark yet) and creates the 60 users.
    await waitFor('the first scheduled run', async () =>
      (await scheduled()).some((r) => r.status === 'succeeded') ? true : undefined,
    );
    expect(await findUserByClerkId(database.db, 'user_sched00059')).toMatchObject({ is_active: true });

    // Webhooks are down; a user changes in Clerk. The next slot's incremental run repairs it.
    const changed = clerk.users.get('user_sched00003') as Record<string, unknown>;
    clerk.users.set('user_sched00003', { ...changed, first_name: 'Changed', updated_at: Date.now() });
    await waitFor('the repair', async () =>
      (await findUserByClerkId(database.db, 'user_sched00003'))?.first_name === 'Changed' ? true : undefined,
    );
    await sleep(3 * SLOT_MS);

    const runs: ReconcileRunRow[] = (await scheduled()).filter((r) => r.status !== 'running');
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.every((r) => r.status === 'succeeded' && r.kind === 'incremental')).toBe(true);
    // Never two at a time: each run finished before the next started.
    for (let i = 1; i < runs.length; i++) {
      const previous = runs[i - 1] as ReconcileRunRow;
      expect(previous.finished_at?.getTime()).toBeLessThanOrEqual(
        (runs[i] as ReconcileRunRow).started_at.getTime(),
      );
    }
    // Each slot once; a slot left out only because the run before was still going when it began
    // (on a loaded machine a run can outlast a 2 s slot: skipping it is what "never overlap" means).
    const slots = runs.map((r) => Math.floor(r.started_at.getTime() / SLOT_MS));
    expect(new Set(slots).size).toBe(slots.length);
    for (let i = 1; i < runs.length; i++) {
      if ((slots[i] as number) - (slots[i - 1] as number) === 1) continue;
      const nextSlotStart = ((slots[i - 1] as number) + 1) * SLOT_MS;
      expect((runs[i - 1] as ReconcileRunRow).finished_at?.getTime()).toBeGreaterThan(nextSlotStart);
    }
    // Both processes took part in the contest; only these two ran anything.
    const pids = new Set(runs.map((r) => r.runner?.split(':').at(-1)));
    for (const pid of pids) expect(replicas.map((r) => String(r.pid))).toContain(pid);
    // Incremental runs after the first read only what changed.
    expect(runs[0]?.users_read).toBe(60);
    expect(runs.slice(1).every((r) => r.users_read <= 1)).toBe(true);
    expect(runs.find((r) => r.users_read === 1)).toMatchObject({ drift_found: 1 });
  });

  it('stops on SIGTERM after the page it is writing and records the run interrupted', async () => {
    const PAGE = 250;
    // Slow pages, so SIGTERM lands in the middle of the run; 250 users per page are three write
    // transactions (100 per transaction), so a half-written page would show as a count off the page size.
    clerk = await startFakeClerkBackendApi({ secretKey: keys.secretKey, latencyMs: 400 });
    addUsers(clerk, 'user_term', 8 * PAGE, 1_700_000_000_000);
    const replica = await start('fault-schedule-term', 'full=1s', { RECONCILE_PAGE_SIZE: String(PAGE) });
    replicas = [replica];
    const stored = async () =>
      Number(
        (
          await database.db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    await waitFor('the first page written', async () => ((await stored()) > 0 ? true : undefined));
    await replica.stop();
    expect(replica.exitCode()).toBe(0);

    const runs = await listReconcileRuns(database.db, 10);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      kind: 'full',
      trigger: 'schedule',
      status: 'interrupted',
      watermark: null,
    });
    expect(runs[0]?.finished_at).toBeInstanceOf(Date);
    const written = await stored();
    expect(written).toBeLessThan(8 * PAGE);
    expect(written % PAGE).toBe(0);
  });
});
