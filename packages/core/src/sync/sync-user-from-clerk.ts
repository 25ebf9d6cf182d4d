import type { Db } from '../db/create-database.ts';
import type { UserRow } from '../db/schema.ts';
import { mapClerkUser } from './map-clerk-user.ts';
import { type SyncOptions, withDefaults } from './sync-options.ts';
import { type WriteOutcome, writeClerkUser } from './write-clerk-user.ts';

export interface SyncUserResult {
  /**
   * created | updated | reactivated (was deactivated as missing from Clerk) | unchanged (same version) |
   * stale (we hold a newer one) | deleted (tombstoned).
   */
  outcome: WriteOutcome;
  /** The row as stored after the call; null for a hard-deleted user. */
  user: UserRow | null;
}

/**
 * Applies a user read from Clerk's Backend API (fallback sync, reconcile) under the same rules as
 * webhooks: the ordering guard on updated_at, tombstones, invitations, app-owned fields untouched.
 * Throws InvalidClerkUserError for a payload we cannot store; nothing is written then.
 */
export async function syncUserFromClerk(
  db: Db,
  clerkUser: unknown,
  options?: SyncOptions,
): Promise<SyncUserResult> {
  const fields = mapClerkUser(clerkUser);
  const { defaultRole } = withDefaults(options);
  // Read from Clerk's API just now: the user exists there, whatever its version. One statement.
  return writeClerkUser(db, fields, defaultRole, { presentInClerk: true });
}
