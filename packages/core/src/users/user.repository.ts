import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';
import type { UserRow, UserSettingsRow } from '../db/schema.ts';
import type { ProfileUpdate } from '../http-contract/index.ts';

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
