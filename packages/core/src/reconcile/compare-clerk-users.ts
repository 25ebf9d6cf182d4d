import type { Db } from '../db/create-database.ts';
import { InvalidClerkUserError } from '../sync/errors.ts';
import { type ClerkUserFields, mapClerkUser } from '../sync/map-clerk-user.ts';
import { tombstonedAmong } from '../users/user-tombstone.repository.ts';

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

export type ClerkUserComparison =
  | { kind: Exclude<ComparisonKind, 'invalid'>; clerkId: string; fields: ClerkUserFields }
  | { kind: 'invalid'; clerkId: string | null; reason: string };

/**
 * Compares one page of Clerk users with the database in two queries (rows and tombstones for the
 * whole page), however long the page.
 */
export async function compareClerkUsers(
  db: Db,
  clerkUsers: readonly unknown[],
): Promise<ClerkUserComparison[]> {
  const mapped = clerkUsers.map(
    (json): { fields: ClerkUserFields } | { invalid: string; id: string | null } => {
      try {
        return { fields: mapClerkUser(json) };
      } catch (error) {
        if (!(error instanceof InvalidClerkUserError)) throw error;
        const id = (json as { id?: unknown } | null)?.id;
        return { invalid: error.message, id: typeof id === 'string' ? id : null };
      }
    },
  );
  const ids = mapped.flatMap((m) => ('fields' in m ? [m.fields.clerk_id] : []));
  const [rows, tombstoned] =
    ids.length === 0
      ? [[], new Set<string>()]
      : await Promise.all([
          db
            .selectFrom('users')
            .select(['clerk_id', 'clerk_updated_at', 'is_active', 'deleted_at'])
            .where('clerk_id', 'in', ids)
            .execute(),
          tombstonedAmong(db, ids),
        ]);
  const stored = new Map(rows.map((r) => [r.clerk_id, r]));

  return mapped.map((m): ClerkUserComparison => {
    if (!('fields' in m)) return { kind: 'invalid', clerkId: m.id, reason: m.invalid };
    const { fields } = m;
    const clerkId = fields.clerk_id;
    const row = stored.get(clerkId);
    if (tombstoned.has(clerkId) || row?.deleted_at) return { kind: 'deleted-in-database', clerkId, fields };
    if (!row) return { kind: 'create', clerkId, fields };
    const storedAt = row.clerk_updated_at?.getTime() ?? Number.NEGATIVE_INFINITY;
    const incomingAt = fields.clerk_updated_at.getTime();
    if (incomingAt > storedAt) return { kind: 'update', clerkId, fields };
    if (!row.is_active) return { kind: 'reactivate', clerkId, fields };
    return { kind: incomingAt === storedAt ? 'unchanged' : 'newer-in-database', clerkId, fields };
  });
}
