import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/create-database.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { Database, UserRow } from '../db/schema.ts';
import { writeClerkUsersFunction } from '../sql-functions.ts';
import type { ClerkUserFields } from './map-clerk-user.ts';

export type WriteOutcome = 'created' | 'updated' | 'reactivated' | 'unchanged' | 'stale' | 'deleted';

/** The advisory-lock key of one Clerk user: every Clerk-driven write of that user holds it. */
export function clerkUserLockKey(clerkId: string): string {
  return `usersync:user:${clerkId}`;
}

/**
 * Serialises every Clerk-driven write for one Clerk user id, across connections and API replicas,
 * until the transaction ends (the SQL write rules take the same lock: clerkUserLockKey).
 */
export async function lockClerkUser(trx: Transaction<Database>, clerkId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${clerkUserLockKey(clerkId)}, 0))`.execute(trx);
}

/**
 * ClerkUserFields as the SQL rule takes them (the usersync_clerk_user type, defined by migration
 * 2026_11_30_0100_write_rules_in_sql): plus the invitation key.
 */
export function clerkUserRecord(fields: ClerkUserFields) {
  return {
    ...fields,
    // ISO strings, as Date#toJSON would give: a Date makes JSON.stringify leave its fast path (reconcile
    // serialises 500 users a statement).
    last_sign_in_at: fields.last_sign_in_at?.toISOString() ?? null,
    clerk_created_at: fields.clerk_created_at.toISOString(),
    clerk_updated_at: fields.clerk_updated_at.toISOString(),
    // Invitations are stored lower-cased by JavaScript's rules; compare with the same rules.
    email_lower: fields.email ? fields.email.toLowerCase() : null,
  };
}

// The rule itself is SQL (sync/usersync_write_clerk_users.sql): the ordering guard on clerk_updated_at,
// tombstones, reactivation (presentInClerk), invitation claim, app-owned fields kept.
const WRITE_USERS_RETURNING_ROWS: PreparedStatement = {
  name: 'usersync_write_clerk_users_rows',
  text: `SELECT w.ordinal, w.outcome, (w.written).* FROM ${writeClerkUsersFunction.name}($1::jsonb, $2::text, $3::boolean) w`,
};
const WRITE_USERS: PreparedStatement = {
  name: 'usersync_write_clerk_users',
  text: `SELECT w.ordinal, w.outcome FROM ${writeClerkUsersFunction.name}($1::jsonb, $2::text, $3::boolean) w`,
};

export interface WriteOptions {
  /** The payload was just read from Clerk's API: a deactivated user comes back whatever its version. */
  presentInClerk?: boolean;
}

/** Writes one Clerk user through the one rule, in one statement; returns the row as stored. */
export async function writeClerkUser(
  db: Db,
  fields: ClerkUserFields,
  defaultRole: string,
  options: WriteOptions = {},
): Promise<{ outcome: WriteOutcome; user: UserRow | null }> {
  const rows = await runPrepared<{ ordinal: number; outcome: WriteOutcome } & UserRow>(
    db,
    WRITE_USERS_RETURNING_ROWS,
    [JSON.stringify([clerkUserRecord(fields)]), defaultRole, options.presentInClerk ?? false],
  );
  const { ordinal: _, outcome, ...user } = rows[0]!;
  return { outcome, user: user.id ? user : null };
}

/**
 * Writes many Clerk users through the same rule in one statement and one transaction (locks taken in
 * clerk_id order, so two callers cannot deadlock). Returns each user's outcome, in input order.
 */
export async function writeClerkUsers(
  db: Db,
  users: readonly ClerkUserFields[],
  defaultRole: string,
  options: WriteOptions = {},
): Promise<WriteOutcome[]> {
  if (users.length === 0) return [];
  const rows = await runPrepared<{ ordinal: number; outcome: WriteOutcome }>(db, WRITE_USERS, [
    JSON.stringify(users.map(clerkUserRecord)),
    defaultRole,
    options.presentInClerk ?? false,
  ]);
  const outcomes: WriteOutcome[] = new Array(users.length);
  for (const row of rows) outcomes[row.ordinal - 1] = row.outcome;
  return outcomes;
}
