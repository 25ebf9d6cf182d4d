import type { Db } from '../db/create-database.ts';
import type { ClerkUserFields } from '../sync/map-clerk-user.ts';
import { type WriteOutcome, writeClerkUsers } from '../sync/write-clerk-user.ts';

// Reconcile deactivates users through the users repository (their one owner).
export { deactivateUser } from '../users/user.repository.ts';

/**
 * Writes one page of Clerk users through the one upsert rule (sync/usersync_write_clerk_users.sql: ordering guard,
 * tombstones, invitations, app-owned fields untouched) in one statement and one transaction, so a
 * 100k-user backfill pays neither a round trip nor a commit per user.
 *
 * Locks are taken in clerk_id order, so two reconcile runs cannot deadlock each other; a webhook
 * holds one lock at a time and at most waits for this statement.
 * Returns each user's outcome by Clerk id.
 */
export async function applyClerkUsers(
  db: Db,
  users: readonly ClerkUserFields[],
  defaultRole: string,
): Promise<Map<string, WriteOutcome>> {
  // Listed by Clerk just now, so a user deactivated as missing comes back (the rule decides).
  const outcomes = await writeClerkUsers(db, users, defaultRole, { presentInClerk: true });
  return new Map(users.map((fields, i) => [fields.clerk_id, outcomes[i]!]));
}

/**
 * Walks the database's present (not deleted) users in clerk_id order, a few thousand ids per query,
 * so a 100k-user table is never held in memory at once.
 */
export async function* presentUsers(
  db: Db,
  batchSize = 5_000,
): AsyncGenerator<Array<{ clerk_id: string; is_active: boolean }>> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('users')
      .select(['clerk_id', 'is_active'])
      .where('deleted_at', 'is', null)
      // The unique index on clerk_id serves both the order and the keyset condition.
      .orderBy('clerk_id')
      .limit(batchSize);
    if (after !== null) query = query.where('clerk_id', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.clerk_id;
    if (rows.length < batchSize) return;
  }
}
