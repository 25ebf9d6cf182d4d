import { beforeEach, expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { applyClerkEvent } from '../sync/apply-clerk-event.ts';
import { syncUserFromClerk } from '../sync/sync-user-from-clerk.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findUserByClerkId } from '../users/user.repository.ts';
import { type ClerkUserSource, reconcileUsers } from './reconcile-users.ts';

const T0 = 1_760_000_000_000;

type ClerkUser = Record<string, unknown>;

/** Clerk as a list in memory, in pages; `hooks.beforePage` runs before each page is handed out. */
function memorySource(
  users: ClerkUser[],
  options: {
    pageSize?: number;
    hidden?: Set<string>;
    beforePage?: (pass: number, page: number) => Promise<void>;
  } = {},
): ClerkUserSource & { passes: number } {
  const pageSize = options.pageSize ?? 3;
  const source = {
    passes: 0,
    async *pages() {
      source.passes += 1;
      const listed = users.filter((u) => !options.hidden?.has(u.id as string));
      for (let i = 0; i * pageSize < listed.length; i++) {
        await options.beforePage?.(source.passes, i);
        yield { users: listed.slice(i * pageSize, (i + 1) * pageSize), totalCount: listed.length };
      }
    },
    async exists(clerkId: string) {
      return users.some((u) => u.id === clerkId);
    },
  };
  return source;
}

function clerkUsers(prefix: string, count: number): ClerkUser[] {
  return Array.from({ length: count }, (_, i) =>
    sampleClerkUser({ id: `${prefix}_${i}`, createdAt: T0 + i, updatedAt: T0 + i + 10 }),
  );
}

const isActive = async (db: Db, clerkId: string) => (await findUserByClerkId(db, clerkId))?.is_active;

describeEachDatabase('reconcileUsers', (use) => {
  // Each case starts from an empty table: the wrong-instance guard looks at every user in it.
  beforeEach(async () => {
    const { db } = use();
    await db.deleteFrom('users').execute();
    await db.deleteFrom('user_tombstones').execute();
  });

  it('applies in one Clerk pass when the database has no active users (the guard cannot trip)', async () => {
    const { db } = use();
    const source = memorySource(clerkUsers('user_first', 7));
    const summary = await reconcileUsers(db, source, { apply: true, writeBatchSize: 2 });
    expect(summary).toMatchObject({ clerkPasses: 1, clerkUsers: 7, counts: { create: 7 }, refused: false });
    expect(await isActive(db, 'user_first_6')).toBe(true);
  });

  it('validates only the users it would write: a stored version is not checked again', async () => {
    const { db } = use();
    const [stored, newer, fresh] = clerkUsers('user_valid', 3);
    await syncUserFromClerk(db, stored!);
    await syncUserFromClerk(db, newer!);
    // Listed with the versions we hold (same updated_at) the payload is not looked at; a newer version
    // or a new user is, and a bad one is reported invalid.
    const tooLong = 'x'.repeat(300);
    const listed = [
      { ...stored!, first_name: tooLong },
      { ...newer!, first_name: tooLong, updated_at: (newer!.updated_at as number) + 1 },
      { ...fresh!, first_name: tooLong },
    ];
    const summary = await reconcileUsers(db, memorySource(listed), {});
    expect(summary.counts).toMatchObject({ unchanged: 1, update: 0, create: 0, invalid: 2 });
    expect(summary.invalidUsers.map((u) => u.clerkId)).toEqual([newer!.id, fresh!.id]);
  });

  it('keeps a version a webhook wrote between the comparison and the write', async () => {
    const { db } = use();
    const users = clerkUsers('user_race', 4);
    await syncUserFromClerk(db, { ...users[0]!, updated_at: T0 - 1 });
    const source = memorySource(users, {
      // During the apply pass, just before the page is written, a webhook brings a newer version.
      beforePage: async (pass, page) => {
        if (pass === 2 && page === 0) {
          await applyClerkEvent(db, {
            svixId: 'msg_race',
            body: JSON.stringify(
              sampleClerkEvent('user.updated', {
                ...users[0]!,
                first_name: 'Webhook',
                updated_at: T0 + 1_000,
              }),
            ),
          });
        }
      },
    });
    const summary = await reconcileUsers(db, source, { apply: true });
    expect(summary.clerkPasses).toBe(2);
    expect((await findUserByClerkId(db, 'user_race_0'))?.first_name).toBe('Webhook');
    expect(summary.counts).toMatchObject({ newerInDatabase: 1 });
  });

  it('never deactivates a user the listing skipped but Clerk still has', async () => {
    const { db } = use();
    const users = clerkUsers('user_shift', 5);
    // The user was skipped while paging (others deleted meanwhile): not listed, but GET finds it.
    const source = memorySource(users, { hidden: new Set(['user_shift_2']) });
    await reconcileUsers(db, memorySource(users), { apply: true });
    const summary = await reconcileUsers(db, source, { apply: true, deactivateMissing: true });
    expect(summary.missingFromClerk).toBeGreaterThanOrEqual(1);
    expect(summary.missingButFoundInClerk).toBeGreaterThanOrEqual(1);
    expect(await isActive(db, 'user_shift_2')).toBe(true);
  });

  it('with --force applies and deactivates despite the guard; a later version reactivates', async () => {
    const { db } = use();
    await reconcileUsers(db, memorySource(clerkUsers('user_ours', 5)), { apply: true });
    const before = await db.selectFrom('users').select('clerk_id').where('is_active', '=', true).execute();
    const other = clerkUsers('user_otherinstance', 2);
    const refused = await reconcileUsers(db, memorySource(other), { apply: true, deactivateMissing: true });
    expect(refused).toMatchObject({ refused: true, counts: { create: 2 }, deactivated: 0 });
    expect(await findUserByClerkId(db, 'user_otherinstance_0')).toBeNull();

    const forced = await reconcileUsers(db, memorySource(other), {
      apply: true,
      deactivateMissing: true,
      force: true,
    });
    expect(forced).toMatchObject({ refused: false, guard: { tripped: true, forced: true } });
    expect(forced.deactivated).toBe(5);
    expect(before).toHaveLength(5);
    const row = await findUserByClerkId(db, before[0]!.clerk_id);
    expect(row).toMatchObject({ is_active: false, deleted_at: null });

    // Back with a newer version (right key again): the row is active again, as a webhook would make it.
    const user = await db
      .selectFrom('users')
      .select(['clerk_id', 'clerk_updated_at'])
      .where('clerk_id', '=', row!.clerk_id)
      .executeTakeFirstOrThrow();
    await syncUserFromClerk(
      db,
      sampleClerkUser({ id: user.clerk_id, updatedAt: user.clerk_updated_at!.getTime() + 1 }),
    );
    expect(await isActive(db, user.clerk_id)).toBe(true);
  });

  it('stops between pages when aborted; committed pages stay', async () => {
    const { db } = use();
    const controller = new AbortController();
    const source = memorySource(clerkUsers('user_abort', 9), {
      beforePage: async (_pass, page) => {
        if (page === 2) controller.abort();
      },
    });
    await expect(
      reconcileUsers(db, source, { apply: true, force: true, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(await isActive(db, 'user_abort_0')).toBe(true);
    expect(await findUserByClerkId(db, 'user_abort_8')).toBeNull();
  });
});
