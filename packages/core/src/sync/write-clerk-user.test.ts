import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findUserByClerkId } from '../users/user.repository.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';
import { syncUserFromClerk } from './sync-user-from-clerk.ts';

// writeClerkUser's reactivation rule, through its two callers: the fallback read (syncUserFromClerk)
// and a webhook delivery (applyClerkEvent).

const T0 = 1_760_000_000_000;

describeEachDatabase('writeClerkUser: reactivation', (use) => {
  it('reactivates a user deactivated as missing when Clerk shows it again, even at the same version', async () => {
    const { db } = use();
    const clerkUser = sampleClerkUser({ createdAt: T0 });
    const { user } = await syncUserFromClerk(db, clerkUser);
    await db.updateTable('users').set({ is_active: false }).where('id', '=', user!.id).execute();
    const again = await syncUserFromClerk(db, clerkUser);
    expect(again.outcome).toBe('reactivated');
    expect(again.user?.is_active).toBe(true);
    expect((await syncUserFromClerk(db, clerkUser)).outcome).toBe('unchanged');
  });

  it('a fallback read of an older version still reactivates; a redelivered webhook does not', async () => {
    const { db } = use();
    const v1 = sampleClerkUser({ createdAt: T0 });
    const v2 = sampleClerkUser({ id: v1.id as string, createdAt: T0, updatedAt: T0 + 10, lastName: 'Newer' });
    const event = JSON.stringify(sampleClerkEvent('user.updated', v2));
    await applyClerkEvent(db, { svixId: 'msg_v2_first', body: event });
    await db
      .updateTable('users')
      .set({ is_active: false })
      .where('clerk_id', '=', v1.id as string)
      .execute();

    // The same version again from Svix proves only that the user existed then.
    expect((await applyClerkEvent(db, { svixId: 'msg_v2_again', body: event })).status).toBe('duplicate');
    expect((await findUserByClerkId(db, v1.id as string))?.is_active).toBe(false);

    // Clerk's API answering now (even with an older version than ours) proves the user exists now.
    const fallback = await syncUserFromClerk(db, v1);
    expect(fallback.outcome).toBe('reactivated');
    expect(fallback.user).toMatchObject({ is_active: true, last_name: 'Newer' });
  });
});
