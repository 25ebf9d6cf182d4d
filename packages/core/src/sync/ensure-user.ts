import { createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import type { Db } from '../db/create-database.ts';
import type { SyncStatus } from '../http-contract/index.ts';
import { findUserByClerkId, type UserWithSettings } from '../users/user.repository.ts';
import { isTombstoned } from '../users/user-tombstone.repository.ts';
import { unhandledOutcome } from './errors.ts';
import type { SyncOptions } from './sync-options.ts';
import { syncUserFromClerk } from './sync-user-from-clerk.ts';
import type { WriteOutcome } from './write-clerk-user.ts';

export interface EnsureUserOptions extends SyncOptions {
  /** Clerk's secret key (`sk_…`), to read the user from the Backend API when the row is not there. */
  secretKey: string;
  /** Clerk's Backend API (default https://api.clerk.com). */
  apiUrl?: string | undefined;
}

export interface EnsureUserResult {
  /** existing: the row was there; created / updated: it was read from Clerk just now. */
  status: SyncStatus;
  user: UserWithSettings;
}

/** The user is deleted (here, or Clerk no longer has them): deletion is final, nothing brings the row back. */
export class ClerkUserDeletedError extends Error {
  readonly clerkUserId: string;
  constructor(clerkUserId: string) {
    super(`The Clerk user ${clerkUserId} has been deleted`);
    this.name = 'ClerkUserDeletedError';
    this.clerkUserId = clerkUserId;
  }
}

/**
 * The signed-in user's row, made sure of (the fallback sync, for any framework): the row when it is there,
 * else the user read from Clerk's Backend API and applied under the webhook's rules (`syncUserFromClerk`).
 * Pass only a user id taken from a verified session. Throws ClerkUserDeletedError for a deleted user,
 * InvalidClerkUserError when Clerk's answer cannot be stored, and Clerk's own errors when it cannot be read
 * (`ClerkAPIResponseError`, with `status` and `retryAfter`).
 */
export async function ensureUser(
  db: Db,
  clerkUserId: string,
  options: EnsureUserOptions,
): Promise<EnsureUserResult> {
  const found = await findSyncedUser(db, clerkUserId);
  if (found === 'deleted') throw new ClerkUserDeletedError(clerkUserId);
  if (found) return { status: 'existing', user: found };

  const { secretKey, apiUrl, ...sync } = options;
  let raw: unknown;
  try {
    raw = (await createClerkClient({ secretKey, apiUrl }).users.getUser(clerkUserId)).raw;
  } catch (error) {
    if (isClerkAPIResponseError(error) && error.status === 404) throw new ClerkUserDeletedError(clerkUserId);
    throw error;
  }
  // Defence in depth: write only the user asked for, whatever the Backend API answered.
  if ((raw as { id?: unknown } | null)?.id !== clerkUserId) {
    throw new Error(`Clerk's Backend API answered another user than ${clerkUserId}`);
  }
  const status = syncStatusOf((await syncUserFromClerk(db, raw, sync)).outcome);
  const user = status === null ? undefined : await findUserByClerkId(db, clerkUserId);
  if (status === null || !user || user.deleted_at) throw new ClerkUserDeletedError(clerkUserId);
  return { status, user };
}

/**
 * The user's active row when it is there; `deleted` when the user is known deleted here (a soft-deleted
 * row, or only a tombstone); null when only Clerk can say (never seen, or deactivated as missing).
 */
export async function findSyncedUser(
  db: Db,
  clerkUserId: string,
): Promise<UserWithSettings | 'deleted' | null> {
  const user = await findUserByClerkId(db, clerkUserId);
  if (user?.deleted_at) return 'deleted';
  if (user?.is_active) return user;
  if (!user && (await isTombstoned(db, clerkUserId))) return 'deleted';
  return null;
}

/** What the caller is told after a user was read from Clerk and applied; null: the user is deleted. */
export function syncStatusOf(outcome: WriteOutcome): SyncStatus | null {
  switch (outcome) {
    case 'created':
      return 'created';
    // A reactivated row changed: report it as updated.
    case 'updated':
    case 'reactivated':
      return 'updated';
    // Another request or a webhook stored this (or a newer) version first.
    case 'unchanged':
    case 'stale':
      return 'existing';
    case 'deleted':
      return null;
    default:
      return unhandledOutcome(outcome);
  }
}
