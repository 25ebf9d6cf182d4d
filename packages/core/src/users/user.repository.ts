import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';
import { clampPageLimit, olderThanCursor, type Page, toPage } from '../db/keyset-page.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { UserRow, UserSettingsRow } from '../db/schema.ts';
import type { ProfileUpdate } from '../http-contract/index.ts';
import type { UserStatus } from '../http-contract/lists.ts';
import { lockClerkUser } from '../sync/write-clerk-user.ts';

// The users table's one owner (docs/architecture.md, Tables): every write to it is here or in its SQL
// rules (sync/usersync_write_clerk_users.sql, sync/usersync_delete_clerk_user.sql, and the triggers).

export type UserWithSettings = UserRow & { settings: Pick<UserSettingsRow, 'theme' | 'preferences'> };

function withSettings(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('user_settings', 'user_settings.user_id', 'users.id')
    .selectAll('users')
    .select(['user_settings.theme', 'user_settings.preferences']);
}

type JoinedRow = UserRow & Pick<UserSettingsRow, 'theme' | 'preferences'>;
function toUserWithSettings(row: JoinedRow | undefined): UserWithSettings | null {
  if (!row) return null;
  const { theme, preferences, ...user } = row;
  return { ...user, settings: { theme, preferences } };
}

export async function findUserById(db: Db, id: string): Promise<UserWithSettings | null> {
  if (!isUuid(id)) return null;
  return toUserWithSettings(await withSettings(db).where('users.id', '=', id).executeTakeFirst());
}

export async function findUserByClerkId(db: Db, clerkId: string): Promise<UserWithSettings | null> {
  return toUserWithSettings(await withSettings(db).where('users.clerk_id', '=', clerkId).executeTakeFirst());
}

/** The active user holding this address (email is not unique over time: Clerk can move it). */
export async function findActiveUserByEmail(db: Db, email: string): Promise<UserWithSettings | null> {
  const row = await withSettings(db)
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .where('users.is_active', '=', true)
    .orderBy('users.clerk_updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return toUserWithSettings(row);
}

export interface AppOwnedChanges {
  role?: string;
  /** User-editable settings (the contract's ProfileUpdate): `theme` has its column, the rest live in `preferences`. */
  settings?: ProfileUpdate;
}

/**
 * Changes only app-owned fields; Clerk data never goes through here. Returns null for no such user.
 * Settings other than `theme` are merged into `user_settings.preferences` (jsonb), so declaring a new
 * user-editable field in the contract needs no migration and no change here.
 */
export async function updateAppOwnedFields(
  db: Db,
  userId: string,
  changes: AppOwnedChanges,
): Promise<UserWithSettings | null> {
  if (!isUuid(userId)) return null;
  return db.transaction().execute(async (trx) => {
    if (changes.role !== undefined) {
      await trx.updateTable('users').set({ role: changes.role }).where('id', '=', userId).execute();
    }
    const { theme, ...preferences } = changes.settings ?? {};
    if (theme !== undefined || Object.keys(preferences).length > 0) {
      await trx
        .updateTable('user_settings')
        .set((eb) => ({
          ...(theme !== undefined && { theme }),
          ...(Object.keys(preferences).length > 0 && {
            preferences: sql<string>`${eb.ref('preferences')} || ${JSON.stringify(preferences)}::jsonb`,
          }),
        }))
        .where('user_id', '=', userId)
        .execute();
    }
    return toUserWithSettings(await withSettings(trx).where('users.id', '=', userId).executeTakeFirst());
  });
}

/** Sets one user's app role; returns the row as stored. */
export async function setUserRole(db: Db, userId: string, role: string): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ role })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The user's row, locked until the transaction ends; undefined for no such user. */
export async function findUserForUpdate(db: Db, clerkId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('clerk_id', '=', clerkId).forUpdate().executeTakeFirst();
}

/**
 * Locks the rows of the active users holding `role`, in id order (so two callers are serialised, not
 * deadlocked), until the transaction ends; returns their Clerk ids.
 */
export async function lockActiveUsersWithRole(db: Db, role: string): Promise<string[]> {
  const { rows } = await sql<{ clerk_id: string }>`
    SELECT clerk_id FROM users WHERE role = ${role} AND is_active AND deleted_at IS NULL
    ORDER BY id FOR UPDATE
  `.execute(db);
  return rows.map((row) => row.clerk_id);
}

/**
 * Gives `role` to the user when their *verified* primary email is one of `emails` (any case) and they
 * are not deleted and do not hold it yet, in one statement. Returns the role they had before, or null
 * when nothing changed.
 */
export async function grantRoleToVerifiedEmail(
  db: Db,
  clerkId: string,
  emails: readonly string[],
  role: string,
): Promise<string | null> {
  const lowered = emails.map((email) => email.toLowerCase());
  const { rows } = await sql<{ previous_role: string }>`
    WITH target AS (
      SELECT id, role FROM users
      WHERE clerk_id = ${clerkId} AND email_verified AND deleted_at IS NULL AND role <> ${role}
        AND lower(email) = ANY(${lowered}::text[])
      FOR UPDATE
    )
    UPDATE users u SET role = ${role} FROM target WHERE u.id = target.id
    RETURNING target.role AS previous_role
  `.execute(db);
  return rows[0]?.previous_role ?? null;
}

/**
 * Marks a user that Clerk no longer knows as inactive (reconcile), under the user's lock like every
 * Clerk-driven write of the user. Never deletes and never sets deleted_at: only a `user.deleted` event is
 * proof of deletion, and a later Clerk version reactivates the row.
 */
export async function deactivateUser(db: Db, clerkId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockClerkUser(trx, clerkId);
    const result = await trx
      .updateTable('users')
      .set({ is_active: false })
      .where('clerk_id', '=', clerkId)
      .where('deleted_at', 'is', null)
      .where('is_active', '=', true)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  });
}

export interface ListUsersOptions {
  limit?: number;
  /** Keyset cursor: the `id` of the last row of the previous page. */
  afterId?: string;
  includeInactive?: boolean;
}

export async function listUsers(db: Db, options: ListUsersOptions = {}): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id');
  if (!options.includeInactive) query = query.where('is_active', '=', true);
  if (options.afterId !== undefined) {
    if (!isUuid(options.afterId)) return [];
    // Compare against the stored row: timestamptz has microseconds, a JS Date only milliseconds.
    const cursor = options.afterId;
    query = query.where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('created_at', 'id'),
        '>',
        selectFrom('users as c')
          .select(['c.created_at', 'c.id'])
          .where('c.id', '=', cursor)
          .$asTuple('created_at', 'id'),
      ),
    );
  }
  return query.limit(Math.min(Math.max(options.limit ?? 50, 1), 1000)).execute();
}

export async function countUsers(db: Db, options: { includeInactive?: boolean } = {}): Promise<number> {
  let query = db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('count'));
  if (!options.includeInactive) query = query.where('is_active', '=', true);
  const { count } = await query.executeTakeFirstOrThrow();
  return Number(count);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export type { UserStatus };

export function userStatus(user: Pick<UserRow, 'is_active' | 'deleted_at'>): UserStatus {
  return user.deleted_at ? 'deleted' : user.is_active ? 'active' : 'inactive';
}

export interface SearchUsersOptions {
  /** Matches email, first/last name, username (contains, any case) or the Clerk id (exact prefix). */
  q?: string;
  status?: UserStatus;
  role?: string;
  limit?: number;
  /** The Clerk id of the last row of the previous page. */
  cursor?: string;
}

/** The admin user list: newest first, keyset-paged by Clerk id. */
export async function searchUsers(db: Db, options: SearchUsersOptions = {}): Promise<Page<UserRow>> {
  const limit = clampPageLimit(options.limit);
  let query = db.selectFrom('users').selectAll().orderBy('created_at', 'desc').orderBy('clerk_id', 'desc');
  const q = options.q?.trim();
  if (q) {
    const contains = `%${escapeLike(q.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['email']), 'like', contains),
        eb(eb.fn('lower', ['first_name']), 'like', contains),
        eb(eb.fn('lower', ['last_name']), 'like', contains),
        eb(eb.fn('lower', ['username']), 'like', contains),
        eb(sql<string>`lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))`, 'like', contains),
        eb('clerk_id', 'like', `${escapeLike(q)}%`),
      ]),
    );
  }
  switch (options.status) {
    case undefined:
      break;
    case 'active':
      query = query.where('is_active', '=', true).where('deleted_at', 'is', null);
      break;
    case 'inactive':
      query = query.where('is_active', '=', false).where('deleted_at', 'is', null);
      break;
    case 'deleted':
      query = query.where('deleted_at', 'is not', null);
      break;
    default: {
      const unknown: never = options.status;
      throw new Error(`unknown status ${String(unknown)}`);
    }
  }
  if (options.role !== undefined) query = query.where('role', '=', options.role);
  if (options.cursor !== undefined) query = query.where(olderThanCursor('users', 'clerk_id', options.cursor));
  return toPage(await query.limit(limit + 1).execute(), limit, (row) => row.clerk_id);
}

/** Users by status, for the admin overview. */
export async function countUsersByStatus(db: Db): Promise<Record<UserStatus, number>> {
  const row = await db
    .selectFrom('users')
    .select([
      sql<string>`count(*) FILTER (WHERE is_active AND deleted_at IS NULL)`.as('active'),
      sql<string>`count(*) FILTER (WHERE NOT is_active AND deleted_at IS NULL)`.as('inactive'),
      sql<string>`count(*) FILTER (WHERE deleted_at IS NOT NULL)`.as('deleted'),
    ])
    .executeTakeFirstOrThrow();
  return { active: Number(row.active), inactive: Number(row.inactive), deleted: Number(row.deleted) };
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The version of a Clerk user stored here, as reconcile compares it (docs/decisions/120). */
export interface StoredClerkVersion {
  /** clerk_updated_at in milliseconds (Clerk's unit); null when the row has none. */
  updatedAtMs: number | null;
  isActive: boolean;
  /** Deleted for good: a tombstone, or a row with deleted_at (a hard delete leaves only the tombstone). */
  deleted: boolean;
}

// One probe per id into users and into user_tombstones (LATERAL … LIMIT 1 keeps each an index probe in
// the cached generic plan, however small the tables were when it was planned).
const STORED_CLERK_VERSIONS: PreparedStatement = {
  name: 'usersync_stored_clerk_versions',
  text: `SELECT c.clerk_id, (extract(epoch FROM u.clerk_updated_at) * 1000)::float8 AS updated_at_ms,
      u.is_active, (u.deleted_at IS NOT NULL OR t.clerk_id IS NOT NULL) AS deleted
    FROM unnest($1::text[]) AS c(clerk_id)
    LEFT JOIN LATERAL (SELECT x.clerk_updated_at, x.is_active, x.deleted_at FROM users x
      WHERE x.clerk_id = c.clerk_id LIMIT 1) u ON true
    LEFT JOIN LATERAL (SELECT y.clerk_id FROM user_tombstones y WHERE y.clerk_id = c.clerk_id LIMIT 1) t ON true
    WHERE u.is_active IS NOT NULL OR t.clerk_id IS NOT NULL`,
};

/** The stored versions of those of `clerkIds` known here (a row or a tombstone), in one statement. */
export async function storedClerkVersions(
  db: Db,
  clerkIds: readonly string[],
): Promise<Map<string, StoredClerkVersion>> {
  const versions = new Map<string, StoredClerkVersion>();
  if (clerkIds.length === 0) return versions;
  const rows = await runPrepared<{
    clerk_id: string;
    updated_at_ms: number | null;
    is_active: boolean | null;
    deleted: boolean;
  }>(db, STORED_CLERK_VERSIONS, [clerkIds]);
  for (const row of rows) {
    versions.set(row.clerk_id, {
      updatedAtMs: row.updated_at_ms === null ? null : Number(row.updated_at_ms),
      isActive: row.is_active ?? false,
      deleted: row.deleted,
    });
  }
  return versions;
}
