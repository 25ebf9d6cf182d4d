import { clerkIdSchema, msTimestampSchema } from '../clerk/clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { InvalidClerkUserError } from '../sync/errors.ts';
import { type ClerkUserFields, mapClerkUser } from '../sync/map-clerk-user.ts';
import { type StoredClerkVersion, storedClerkVersions } from '../users/user.repository.ts';

/**
 * What reconcile would do with one Clerk user, judged by the same ordering key as webhooks
 * (clerk_updated_at):
 * - create: no row; update: Clerk's version is newer; unchanged: same version;
 * - newer-in-database: we hold a newer version (a webhook got there first), left alone;
 * - deleted-in-database: deleted here (tombstone or deleted_at); deletion is final, left alone;
 * - reactivate: present in Clerk but deactivated by an earlier `--deactivate-missing` run;
 * - invalid: a payload we cannot store (see mapClerkUser).
 */
export type ComparisonKind =
  | 'create'
  | 'update'
  | 'unchanged'
  | 'newer-in-database'
  | 'deleted-in-database'
  | 'reactivate'
  | 'invalid';

/** The kinds that write: only these carry the mapped fields. */
export type WritingKind = 'create' | 'update' | 'reactivate';

export type ClerkUserComparison =
  | { kind: WritingKind; clerkId: string; fields: ClerkUserFields }
  | { kind: Exclude<ComparisonKind, WritingKind | 'invalid'>; clerkId: string }
  | { kind: 'invalid'; clerkId: string | null; reason: string };

/**
 * Compares one page of Clerk users with the database in one query, however long the page.
 *
 * The version key (id, updated_at) is read first and compared with the stored rows; a user whose version
 * is already stored (unchanged) is neither validated nor mapped: that version was valid when it was
 * stored. Every other user is validated and mapped as before, so an invalid payload is still reported
 * whenever it would matter (docs/decisions/120).
 */
export async function compareClerkUsers(
  db: Db,
  clerkUsers: readonly unknown[],
): Promise<ClerkUserComparison[]> {
  const versions = clerkUsers.map(listedVersion);
  const ids = versions.flatMap((v) => (v ? [v.clerkId] : []));
  const stored = await storedClerkVersions(db, ids);
  return clerkUsers.map((json, i): ClerkUserComparison => {
    const version = versions[i];
    // A malformed id or updated_at fails validation below, with the message a webhook would get.
    const kind = version ? kindOf(stored.get(version.clerkId), version.updatedAtMs) : null;
    if (version && kind === 'unchanged') return { kind, clerkId: version.clerkId };
    let fields: ClerkUserFields;
    try {
      fields = mapClerkUser(json);
    } catch (error) {
      if (!(error instanceof InvalidClerkUserError)) throw error;
      return { kind: 'invalid', clerkId: version?.clerkId ?? rawId(json), reason: error.message };
    }
    if (!version || kind === null) throw new Error('unreachable: a valid user has a version key');
    if (kind === 'create' || kind === 'update' || kind === 'reactivate') {
      return { kind, clerkId: version.clerkId, fields };
    }
    return { kind, clerkId: version.clerkId };
  });
}

/** The ordering key of a listed user, when both parts are what validation accepts; else null. */
function listedVersion(json: unknown): { clerkId: string; updatedAtMs: number } | null {
  if (typeof json !== 'object' || json === null) return null;
  const { id, updated_at } = json as { id?: unknown; updated_at?: unknown };
  const clerkId = clerkIdSchema.safeParse(id);
  const updatedAt = msTimestampSchema.safeParse(updated_at);
  return clerkId.success && updatedAt.success ? { clerkId: clerkId.data, updatedAtMs: updatedAt.data } : null;
}

function rawId(json: unknown): string | null {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

function kindOf(
  row: StoredClerkVersion | undefined,
  incomingAtMs: number,
): Exclude<ComparisonKind, 'invalid'> {
  if (row?.deleted) return 'deleted-in-database';
  if (!row) return 'create';
  const storedAtMs = row.updatedAtMs ?? Number.NEGATIVE_INFINITY;
  if (incomingAtMs > storedAtMs) return 'update';
  if (!row.isActive) return 'reactivate';
  return incomingAtMs === storedAtMs ? 'unchanged' : 'newer-in-database';
}
