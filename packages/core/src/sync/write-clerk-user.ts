import { sql, type Transaction } from 'kysely';
import type { Database, UserRow } from '../db/schema.ts';
import type { ClerkUserFields } from './map-clerk-user.ts';
import type { UserDeleteMode } from './sync-options.ts';

type Trx = Transaction<Database>;

export type WriteOutcome = 'created' | 'updated' | 'reactivated' | 'unchanged' | 'stale' | 'deleted';

/**
 * Serialises every Clerk-driven write for one Clerk user id, across connections and API replicas,
 * until the transaction ends. Without it a create racing a delete could both pass their checks.
 */
export async function lockClerkUser(trx: Trx, clerkId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`usersync:user:${clerkId}`}, 0))`.execute(trx);
}

/**
 * The one upsert rule. Must run inside a transaction after lockClerkUser():
 * - a tombstoned (deleted) id never comes back;
 * - an existing row changes only when the payload's updated_at is newer (equal: unchanged);
 * - a row deactivated by `reconcile --deactivate-missing` comes back with any newer version, and with
 *   any version at all when the payload was just read from Clerk's API (`presentInClerk`): Clerk has
 *   the user now, even if we hold a newer version of it;
 * - a new row takes its role from an open invitation for its verified email, else defaultRole;
 * - app-owned columns (role, app_metadata, settings) are never written from Clerk data.
 */
export async function writeClerkUser(
  trx: Trx,
  fields: ClerkUserFields,
  defaultRole: string,
  options: { presentInClerk?: boolean } = {},
): Promise<{ outcome: WriteOutcome; user: UserRow | null }> {
  // One round trip for both: the row (all columns null when absent) and whether the id is tombstoned.
  const { rows } = await sql<UserRow & { tombstoned: boolean }>`
    SELECT u.*, EXISTS (SELECT 1 FROM user_tombstones t WHERE t.clerk_id = ${fields.clerk_id}) AS tombstoned
    FROM (SELECT 1) AS one LEFT JOIN users u ON u.clerk_id = ${fields.clerk_id}
  `.execute(trx);
  const current = rows[0];
  const existing = current?.id ? (({ tombstoned: _, ...user }) => user as UserRow)(current) : null;

  if (current?.tombstoned || existing?.deleted_at) return { outcome: 'deleted', user: existing };

  if (existing) {
    const stored = existing.clerk_updated_at?.getTime() ?? Number.NEGATIVE_INFINITY;
    const incoming = fields.clerk_updated_at.getTime();
    if (incoming <= stored) {
      if (!existing.is_active && options.presentInClerk) {
        const user = await trx
          .updateTable('users')
          .set({ is_active: true })
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { outcome: 'reactivated', user };
      }
      return { outcome: incoming < stored ? 'stale' : 'unchanged', user: existing };
    }
    const { clerk_id: _, ...changes } = fields;
    const user = await trx
      .updateTable('users')
      // Clerk sent a newer version, so the user exists there: undo a reconcile deactivation.
      .set({ ...changes, public_metadata: JSON.stringify(fields.public_metadata), is_active: true })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { outcome: 'updated', user };
  }

  const invitation =
    fields.email && fields.email_verified
      ? await trx
          .updateTable('invitations')
          .set({ claimed_at: new Date() })
          .where('email', '=', fields.email.toLowerCase())
          .where('claimed_at', 'is', null)
          .returning(['id', 'role', 'data'])
          .executeTakeFirst()
      : undefined;
  const user = await trx
    .insertInto('users')
    .values({
      ...fields,
      public_metadata: JSON.stringify(fields.public_metadata),
      role: invitation?.role ?? defaultRole,
      app_metadata: JSON.stringify(invitation?.data ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (invitation) {
    await trx
      .updateTable('invitations')
      .set({ claimed_by_user_id: user.id })
      .where('id', '=', invitation.id)
      .execute();
  }
  return { outcome: 'created', user };
}

/** Deletion is terminal: a tombstone first, then the row is deactivated (soft) or removed (hard). */
export async function deleteClerkUser(
  trx: Trx,
  clerkId: string,
  deletedAt: Date,
  mode: UserDeleteMode,
): Promise<{ alreadyDeleted: boolean }> {
  const inserted = await trx
    .insertInto('user_tombstones')
    .values({ clerk_id: clerkId, deleted_at: deletedAt })
    .onConflict((oc) => oc.column('clerk_id').doNothing())
    .returning('clerk_id')
    .executeTakeFirst();
  if (mode === 'hard') {
    await trx.deleteFrom('users').where('clerk_id', '=', clerkId).execute();
  } else {
    await trx
      .updateTable('users')
      .set({ is_active: false, deleted_at: deletedAt })
      .where('clerk_id', '=', clerkId)
      .where('deleted_at', 'is', null)
      .execute();
  }
  return { alreadyDeleted: !inserted };
}
