import {
  findUserByClerkId,
  insertReconcileRun,
  listReconcileRuns,
  sampleClerkUser,
  withReconcileLock,
} from '@usersync/core/internal';
import {
  addClerkUsers,
  type FakeClerkBackendApi,
  startFakeClerkBackendApi,
  testClerkKeys,
} from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { captureIo, clerkAt, testContext } from '../testing/command-fixtures.ts';
import { reconcileCommand } from './reconcile.command.ts';

// 501 users are two Backend API pages of 500: an incremental run that reads one page proves it
// stopped at the watermark instead of walking the whole list.
const CLERK_USERS = 501;

describeEachDatabase('usersync reconcile --since (incremental) and reconcile runs', (use) => {
  const keys = testClerkKeys();
  let api: FakeClerkBackendApi;
  const context = (io = captureIo()) => testContext(use().db, clerkAt(api.url, keys.secretKey), io);
  const listRequests = () => api.requests.filter((r) => r === 'GET /v1/users').length;

  beforeAll(async () => {
    api = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    // Updated long ago: a watermark taken now is past all of them.
    addClerkUsers(api, CLERK_USERS, { start: 1_600_000_000_000 });
  });
  afterAll(() => api.close());

  it('refuses --since last before any applied run, and a --since it cannot read', async () => {
    const last = context();
    expect(await runCli(['reconcile', '--apply', '--since', 'last'], last)).toBe(EXIT.usage);
    expect(last.io.stderr()).toMatch(/no reconcile run has been applied yet/);
    const bad = context();
    expect(await runCli(['reconcile', '--since', 'yesterday'], bad)).toBe(EXIT.usage);
    expect(bad.io.stderr()).toMatch(/--since yesterday: use an ISO date/);
    const deactivate = context();
    expect(await runCli(['reconcile', '--apply', '--deactivate-missing', '--since', '1h'], deactivate)).toBe(
      EXIT.usage,
    );
    expect(api.requests).toEqual([]);
    expect(await listReconcileRuns(use().db)).toEqual([]);
  });

  it('reads only the users changed since the last run, newest first, and repairs them', async () => {
    const { db } = use();
    const full = await reconcileCommand(context(), { apply: true });
    expect(full.report).toMatchObject({ kind: 'full', since: null, counts: { create: CLERK_USERS } });
    const [fullRun] = await listReconcileRuns(db, 1);
    expect(fullRun).toMatchObject({ kind: 'full', trigger: 'cli', status: 'succeeded', dry_run: false });
    expect(fullRun?.watermark).toEqual(fullRun?.started_at);

    // While webhooks were down: two users changed in Clerk and one signed up.
    const now = Date.now();
    for (const id of ['user_bulk000007', 'user_bulk000400']) {
      api.users.set(id, { ...api.users.get(id), first_name: 'Changed', updated_at: now });
    }
    const newcomer = sampleClerkUser({ id: 'user_newcomer', createdAt: now, updatedAt: now });
    api.users.set('user_newcomer', newcomer);
    api.requests.length = 0;

    const io = captureIo();
    expect(await runCli(['reconcile', '--apply', '--since', 'last'], context(io))).toBe(EXIT.ok);
    expect(io.stdout()).toMatch(/users updated since/);
    // One page read (and its count), not two: the walk stopped at the watermark.
    expect(listRequests()).toBe(1);
    expect((await findUserByClerkId(db, 'user_bulk000007'))?.first_name).toBe('Changed');
    expect((await findUserByClerkId(db, 'user_bulk000400'))?.first_name).toBe('Changed');
    expect(await findUserByClerkId(db, 'user_newcomer')).toMatchObject({ is_active: true });

    const [incremental] = await listReconcileRuns(db, 1);
    expect(incremental).toMatchObject({
      kind: 'incremental',
      status: 'succeeded',
      users_read: 3,
      drift_found: 3,
      counts: { users: { create: 1, update: 2 } },
    });
    // It read from the previous watermark (less the clock-skew overlap) and its own start is the next one.
    expect(incremental?.since?.getTime()).toBe((fullRun?.watermark?.getTime() ?? 0) - 60_000);
    expect(incremental?.watermark?.getTime()).toBeGreaterThan(fullRun?.watermark?.getTime() ?? 0);

    // Nothing changed since: the next incremental run reads one page, finds no drift.
    api.requests.length = 0;
    const again = await reconcileCommand(context(), { apply: true, since: 'last' });
    expect(listRequests()).toBe(1);
    expect(again.report).toMatchObject({ kind: 'incremental', driftFound: 0 });
  });

  it('lists the runs, newest first, as a table and as JSON', async () => {
    const table = context();
    expect(await runCli(['reconcile', 'runs'], table)).toBe(EXIT.ok);
    const lines = table.io.stdout().split('\n');
    expect(lines[0]).toMatch(/^started\s+kind\s+trigger\s+status\s+took\s+read\s+drift/);
    expect(lines[2]).toMatch(/incremental\s+cli\s+succeeded/);
    expect(lines[4]).toMatch(
      new RegExp(`full\\s+cli\\s+succeeded\\s+\\S+ s\\s+${CLERK_USERS}\\s+${CLERK_USERS}\\s+${CLERK_USERS}`),
    );

    const json = context();
    expect(await runCli(['reconcile', 'runs', '--json', '--limit', '2'], json)).toBe(EXIT.ok);
    const { runs } = JSON.parse(json.io.stdout());
    expect(runs.map((r: { kind: string }) => r.kind)).toEqual(['incremental', 'incremental']);
    expect(Object.keys(runs[0]).sort()).toEqual(
      [
        'counts',
        'drift_found',
        'dry_run',
        'error',
        'finished_at',
        'id',
        'kind',
        'runner',
        'since',
        'started_at',
        'status',
        'trigger',
        'users_read',
        'watermark',
      ].sort(),
    );
  });

  it('refuses to run next to another run, and marks a run left behind by a killed process interrupted', async () => {
    const { db } = use();
    const busy = context();
    const held = await withReconcileLock(db, () => runCli(['reconcile', '--since', '1h'], busy));
    expect(held).toEqual({ acquired: true, value: EXIT.failure });
    expect(busy.io.stderr()).toMatch(/another reconcile run is in progress/);

    // A process killed mid-run leaves its row `running`; whoever takes the lock next closes it.
    const abandoned = await insertReconcileRun(db, {
      kind: 'full',
      trigger: 'schedule',
      dryRun: false,
      since: null,
      runner: 'gone:1',
    });
    expect(await runCli(['reconcile', '--since', '1h'], context())).toBe(EXIT.ok);
    const runs = await listReconcileRuns(db, 50);
    expect(runs.find((r) => r.id === abandoned.id)).toMatchObject({ status: 'interrupted' });
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
  });
});
