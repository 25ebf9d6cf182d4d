import type { Db } from '@usersync/core/internal';
import {
  applyClerkEvent,
  createInvitation,
  mapClerkUser,
  sampleClerkEvent,
  sampleClerkUser,
  syncUserFromClerk,
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
import { clerkAt, testContext } from '../testing/command-fixtures.ts';
import { reconcileCommand } from './reconcile.command.ts';

const CLERK_USERS = 5_000;
const FAST_RETRY = { minTimeoutMs: 5, maxTimeoutMs: 20 };

/** Compares every stored Clerk-owned column with what Clerk holds. */
async function expectDatabaseEqualsClerk(
  db: Db,
  clerkUsers: Iterable<Record<string, unknown>>,
  skip: Set<string>,
) {
  const rows = await db.selectFrom('users').selectAll().execute();
  const byClerkId = new Map(rows.map((r) => [r.clerk_id, r]));
  let compared = 0;
  for (const user of clerkUsers) {
    if (skip.has(user.id as string)) continue;
    const { clerk_id, ...expected } = mapClerkUser(user);
    const row = byClerkId.get(clerk_id);
    expect(row, `user ${clerk_id} missing from the database`).toBeDefined();
    expect(row).toMatchObject({ ...expected, is_active: true, deleted_at: null });
    compared += 1;
  }
  return compared;
}

describeEachDatabase('usersync reconcile against the Clerk Backend API stand-in', (use) => {
  const keys = testClerkKeys();
  let api: FakeClerkBackendApi;
  let clerkUsers: Array<Record<string, unknown>>;
  const faults = { tooManyRequests: 0, serverErrors: 0 };
  // Seeded so every comparison outcome occurs; the expected counts below follow from these sets.
  const olderInDatabase: string[] = [];
  const sameInDatabase: string[] = [];
  let newerInDatabase: string;
  let deletedHere: string;
  let deactivatedEarlier: string;
  let invalidInClerk: string;
  let invitedEmail: string;
  const onlyInDatabase: string[] = [];

  const context = () => testContext(use().db, clerkAt(api.url, keys.secretKey));

  beforeAll(async () => {
    api = await startFakeClerkBackendApi({
      secretKey: keys.secretKey,
      // Clerk under load: some 429s with Retry-After (0 or 1 s), some 500s, on lists, counts and look-ups.
      fault: ({ count }) => {
        if (count % 9 === 0) {
          faults.tooManyRequests += 1;
          // Mostly Retry-After: 0, sometimes 1 s: enough to prove the wait, short enough for CI.
          return { status: 429, retryAfter: count % 27 === 0 ? 1 : 0 };
        }
        if (count % 13 === 0) {
          faults.serverErrors += 1;
          return { status: 500 };
        }
        return undefined;
      },
    });
    clerkUsers = addClerkUsers(api, CLERK_USERS);
    const { db } = use();
    const at = (i: number) => clerkUsers[i]!;
    for (let i = 0; i < 100; i++) {
      const user = at(i);
      await syncUserFromClerk(db, {
        ...user,
        first_name: 'Old',
        updated_at: (user.updated_at as number) - 10_000,
      });
      olderInDatabase.push(user.id as string);
    }
    for (let i = 100; i < 150; i++) {
      await syncUserFromClerk(db, at(i));
      sameInDatabase.push(at(i).id as string);
    }
    // A webhook delivered a newer version than the one Clerk's list still shows.
    newerInDatabase = at(150).id as string;
    await syncUserFromClerk(db, {
      ...at(150),
      first_name: 'Newer',
      updated_at: (at(150).updated_at as number) + 60_000,
    });
    // Deleted through a webhook while the list still shows the user: deletion is final.
    deletedHere = at(151).id as string;
    await syncUserFromClerk(db, at(151));
    await applyClerkEvent(db, {
      svixId: 'msg_delete_151',
      body: JSON.stringify(sampleClerkEvent('user.deleted', at(151))),
    });
    // Deactivated by an earlier --deactivate-missing run, then back in Clerk.
    deactivatedEarlier = at(152).id as string;
    await syncUserFromClerk(db, at(152));
    await db
      .updateTable('users')
      .set({ is_active: false })
      .where('clerk_id', '=', deactivatedEarlier)
      .execute();
    // A payload we cannot store.
    invalidInClerk = at(153).id as string;
    api.users.set(invalidInClerk, { ...at(153), first_name: 'x'.repeat(300) });
    clerkUsers[153] = api.users.get(invalidInClerk)!;
    // An invitation for a user reconcile creates.
    invitedEmail = `${(at(200).id as string).toLowerCase()}@example.com`;
    await createInvitation(db, { email: invitedEmail, role: 'admin' });
    for (let i = 0; i < 20; i++) {
      const user = sampleClerkUser({ id: `user_gone${i}`, createdAt: 1_600_000_000_000 + i });
      await syncUserFromClerk(db, user);
      onlyInDatabase.push(user.id as string);
    }
  });
  afterAll(() => api?.close());

  it('dry run: reports what would change and writes nothing', async () => {
    const { db } = use();
    const before = await db
      .selectFrom('users')
      .select((eb) => eb.fn.max('updated_at').as('max'))
      .executeTakeFirst();
    const ctx = context();
    const { exitCode, report } = await reconcileCommand(ctx, { retry: FAST_RETRY });
    expect(exitCode).toBe(EXIT.ok);
    expect(report).toMatchObject({
      mode: 'dry-run',
      clerkUsers: CLERK_USERS,
      counts: {
        create: CLERK_USERS - 100 - 50 - 4,
        update: 100,
        unchanged: 50,
        newerInDatabase: 1,
        deletedInDatabase: 1,
        reactivate: 1,
        invalid: 1,
      },
      missingFromClerk: onlyInDatabase.length,
      refused: false,
    });
    expect(report.invalidUsers).toEqual([
      { clerkId: invalidInClerk, reason: expect.stringMatching(/first_name/) },
    ]);
    expect(ctx.io.stdout()).toMatch(/To create\s+4846/);
    expect(ctx.io.stdout()).toMatch(/Dry run: nothing was written/);
    const after = await db
      .selectFrom('users')
      .select((eb) => eb.fn.max('updated_at').as('max'))
      .executeTakeFirst();
    expect(after).toEqual(before);
    const { n } = await db
      .selectFrom('users')
      .select(db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(100 + 50 + 3 + 20);
  });

  it('--apply: the database ends equal to Clerk, through 429s and 500s, keeping newer and deleted rows', async () => {
    const { db } = use();
    const faultsBefore = faults.tooManyRequests + faults.serverErrors;
    const ctx = context();
    const { exitCode, report } = await reconcileCommand(ctx, { apply: true, retry: FAST_RETRY });
    expect(exitCode).toBe(EXIT.ok);
    expect(report.counts).toEqual({
      create: CLERK_USERS - 100 - 50 - 4,
      update: 100,
      unchanged: 50,
      newerInDatabase: 1,
      deletedInDatabase: 1,
      reactivate: 1,
      invalid: 1,
    });
    expect(report.clerkPasses).toBe(2);
    expect(faults.tooManyRequests + faults.serverErrors).toBeGreaterThan(faultsBefore);
    expect(ctx.io.stderr()).toMatch(/Clerk answered 429; retrying/);

    const compared = await expectDatabaseEqualsClerk(
      db,
      clerkUsers,
      new Set([newerInDatabase, deletedHere, invalidInClerk]),
    );
    expect(compared).toBe(CLERK_USERS - 3);
    const newer = await db
      .selectFrom('users')
      .selectAll()
      .where('clerk_id', '=', newerInDatabase)
      .executeTakeFirstOrThrow();
    expect(newer.first_name).toBe('Newer');
    const deleted = await db
      .selectFrom('users')
      .selectAll()
      .where('clerk_id', '=', deletedHere)
      .executeTakeFirstOrThrow();
    expect(deleted).toMatchObject({ is_active: false, deleted_at: expect.any(Date) });
    expect(
      await db.selectFrom('users').select('id').where('clerk_id', '=', invalidInClerk).executeTakeFirst(),
    ).toBe(undefined);
    const invited = await db
      .selectFrom('users')
      .select('role')
      .where('email', '=', invitedEmail)
      .executeTakeFirstOrThrow();
    expect(invited.role).toBe('admin');
    // Without --deactivate-missing, users Clerk does not list stay as they are.
    const gone = await db
      .selectFrom('users')
      .select(['is_active'])
      .where('clerk_id', 'in', onlyInDatabase)
      .execute();
    expect(gone.every((u) => u.is_active)).toBe(true);
    console.log(
      `[${use().kind}] reconcile --apply of ${CLERK_USERS} users: ${report.durationMs} ms, ${report.usersPerSecond} users/s (2 Clerk passes, injected faults)`,
    );
  });

  it('a second --apply changes nothing', async () => {
    const { db } = use();
    const before = await db
      .selectFrom('users')
      .select(['clerk_id', 'updated_at'])
      .orderBy('clerk_id')
      .execute();
    const { exitCode, report } = await reconcileCommand(context(), { apply: true, retry: FAST_RETRY });
    expect(exitCode).toBe(EXIT.ok);
    expect(report.counts).toMatchObject({ create: 0, update: 0, reactivate: 0, unchanged: CLERK_USERS - 3 });
    const after = await db
      .selectFrom('users')
      .select(['clerk_id', 'updated_at'])
      .orderBy('clerk_id')
      .execute();
    expect(after).toEqual(before);
  });

  it('--deactivate-missing deactivates users Clerk confirms are gone, never deleting them', async () => {
    const { db } = use();
    const ctx = context();
    const { exitCode, report } = await reconcileCommand(ctx, {
      apply: true,
      deactivateMissing: true,
      json: true,
      retry: FAST_RETRY,
    });
    expect(exitCode).toBe(EXIT.ok);
    expect(report).toMatchObject({ missingFromClerk: 20, deactivated: 20, missingButFoundInClerk: 0 });
    expect(JSON.parse(ctx.io.stdout())).toMatchObject({ mode: 'apply', deactivated: 20 });
    const gone = await db.selectFrom('users').selectAll().where('clerk_id', 'in', onlyInDatabase).execute();
    expect(gone).toHaveLength(20);
    expect(gone.every((u) => !u.is_active && u.deleted_at === null)).toBe(true);
    // Each was looked up in Clerk (404) before being deactivated.
    for (const id of onlyInDatabase) expect(api.requests).toContain(`GET /v1/users/${id}`);
  });

  it('refuses --apply with a key for another Clerk instance (exit 3), writing nothing', async () => {
    const { db } = use();
    const other = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    try {
      addClerkUsers(other, 300, { prefix: 'user_otherinstance' });
      const before = await db
        .selectFrom('users')
        .select(['clerk_id', 'updated_at', 'is_active'])
        .orderBy('clerk_id')
        .execute();
      const ctx = testContext(db, clerkAt(other.url, keys.secretKey));
      const { exitCode, report } = await reconcileCommand(ctx, { apply: true, deactivateMissing: true });
      expect(exitCode).toBe(EXIT.refused);
      expect(report).toMatchObject({ refused: true, guard: { tripped: true, forced: false } });
      expect(report.guard.unknownShare).toBeGreaterThan(0.99);
      expect(ctx.io.stderr()).toMatch(/Refused: 100% of active database users are not in Clerk/);
      const after = await db
        .selectFrom('users')
        .select(['clerk_id', 'updated_at', 'is_active'])
        .orderBy('clerk_id')
        .execute();
      expect(after).toEqual(before);
      // Overriding the guard while deactivating is the one combination that can deactivate everyone:
      // refused unattended (before Clerk or the database is read) unless --yes.
      const forced = testContext(db, clerkAt(other.url, keys.secretKey));
      const requestsBefore = other.requests.length;
      await expect(runCli(['reconcile', '--apply', '--deactivate-missing', '--force'], forced)).resolves.toBe(
        EXIT.refused,
      );
      expect(forced.io.stderr()).toMatch(/deactivates every active user .* Add --yes/);
      expect(other.requests.length).toBe(requestsBefore);
      expect(
        await db
          .selectFrom('users')
          .select(['clerk_id', 'updated_at', 'is_active'])
          .orderBy('clerk_id')
          .execute(),
      ).toEqual(before);
    } finally {
      await other.close();
    }
  });
});
