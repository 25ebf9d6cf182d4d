import type { Db } from '../db/create-database.ts';

// Reads of user_tombstones: Clerk ids deleted for good (the sync rules write them when a user is deleted).

/** True when this Clerk id was deleted (a hard delete leaves only the tombstone). */
export async function isTombstoned(db: Db, clerkId: string): Promise<boolean> {
  return (await tombstonedAmong(db, [clerkId])).has(clerkId);
}

/** The ids of `clerkIds` that were deleted, in one query. */
export async function tombstonedAmong(db: Db, clerkIds: readonly string[]): Promise<Set<string>> {
  if (clerkIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('user_tombstones')
    .select('clerk_id')
    .where('clerk_id', 'in', [...clerkIds])
    .execute();
  return new Set(rows.map((row) => row.clerk_id));
}
