import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';

/**
 * Deletes a person here at once, as DELETE_MODE=anonymize would on their `user.deleted` (docs/privacy.md):
 * tombstone, the row kept inactive with every personal field cleared, their data gone from stored
 * delivery payloads, invitations and membership payloads. The same SQL rule as the webhook
 * (usersync_delete_clerk_user), so the later `user.deleted` is answered duplicate.
 * Returns whether they were already deleted.
 */
export async function anonymizeUser(db: Db, clerkId: string, deletedAt = new Date()): Promise<boolean> {
  const { rows } = await sql<{ already: boolean }>`
    SELECT usersync_delete_clerk_user(${clerkId}, ${deletedAt.toISOString()}::timestamptz, 'anonymize') AS already
  `.execute(db);
  return rows[0]!.already;
}
