import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { ProfileUpdate } from '../http-contract/index.ts';
import {
  createInvitation,
  InvalidInvitationError,
  listInvitations,
} from '../invitations/invitation.repository.ts';
import { applyClerkEvent } from '../sync/apply-clerk-event.ts';
import { syncUserFromClerk } from '../sync/sync-user-from-clerk.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import {
  countUsers,
  findActiveUserByEmail,
  findUserByClerkId,
  findUserById,
  listUsers,
  updateAppOwnedFields,
} from './user.repository.ts';

const T0 = 1_760_000_000_000;

describeEachDatabase('user repository', (use) => {
  it('finds by id, Clerk id and email; ignores non-uuid ids', async () => {
    const { db } = use();
    const { user } = await syncUserFromClerk(
      db,
      sampleClerkUser({ email: 'Find.Me@Example.com', createdAt: T0 }),
    );
    expect((await findUserById(db, user!.id))?.clerk_id).toBe(user!.clerk_id);
    expect((await findUserByClerkId(db, user!.clerk_id))?.id).toBe(user!.id);
    expect((await findActiveUserByEmail(db, 'find.me@example.com'))?.id).toBe(user!.id);
    expect(await findUserById(db, 'not-a-uuid')).toBeNull();
    expect(await findUserByClerkId(db, 'user_nobody')).toBeNull();
  });

  it('returns the active owner of an email that moved between users', async () => {
    const { db } = use();
    const email = 'moved@example.com';
    const oldOwner = sampleClerkUser({ email, createdAt: T0 });
    const newOwner = sampleClerkUser({ email, createdAt: T0 + 10 });
    await syncUserFromClerk(db, oldOwner);
    await syncUserFromClerk(db, newOwner);
    await applyClerkEvent(db, {
      svixId: 'msg_del_old',
      body: JSON.stringify(sampleClerkEvent('user.deleted', oldOwner)),
    });
    expect((await findActiveUserByEmail(db, email))?.clerk_id).toBe(newOwner.id);
  });

  it('updates app-owned fields only, and reports a missing user as null', async () => {
    const { db } = use();
    const { user } = await syncUserFromClerk(db, sampleClerkUser({ createdAt: T0 }));
    // A setting the contract might declare later (beyond theme) is kept in preferences, merged.
    const later = { locale: 'fr' } as ProfileUpdate;
    const updated = await updateAppOwnedFields(db, user!.id, {
      role: 'editor',
      settings: { theme: 'dark', ...later },
    });
    expect(updated).toMatchObject({
      role: 'editor',
      settings: { theme: 'dark', preferences: { locale: 'fr' } },
    });
    expect(updated?.email).toBe(user!.email);
    const themeOnly = await updateAppOwnedFields(db, user!.id, { settings: { theme: 'light' } });
    expect(themeOnly?.settings).toEqual({ theme: 'light', preferences: { locale: 'fr' } });
    expect(
      await updateAppOwnedFields(db, '00000000-0000-4000-8000-000000000000', {
        settings: { theme: 'light' },
      }),
    ).toBeNull();
  });

  it('lists in pages and counts active users', async () => {
    const { db } = use();
    const before = await countUsers(db);
    for (let i = 0; i < 5; i++) await syncUserFromClerk(db, sampleClerkUser({ createdAt: T0 + i }));
    expect(await countUsers(db)).toBe(before + 5);
    const all = await listUsers(db, { limit: 1000 });
    const seen: string[] = [];
    let afterId: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await listUsers(db, { limit: 2, afterId });
      if (page.length === 0) break;
      seen.push(...page.map((u) => u.id));
      afterId = page[page.length - 1]!.id;
    }
    expect(seen).toEqual(all.map((u) => u.id));
  });

  it('keeps one open invitation per email and validates input', async () => {
    const { db } = use();
    await createInvitation(db, { email: 'inv@example.com', role: 'viewer' });
    const again = await createInvitation(db, { email: 'INV@example.com', role: 'admin' });
    expect(again.role).toBe('admin');
    expect((await listInvitations(db)).filter((i) => i.email === 'inv@example.com')).toHaveLength(1);
    await expect(createInvitation(db, { email: 'not an email', role: 'x' })).rejects.toThrow(
      InvalidInvitationError,
    );
    await expect(createInvitation(db, { email: 'a@b.co', role: '' })).rejects.toThrow(InvalidInvitationError);
  });
});
