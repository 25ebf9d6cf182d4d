import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';
import { ADMIN_ROLE } from './roles.ts';

/** The audit actor of promotions made by this rule. */
export const ADMIN_EMAILS_ACTOR = 'system:ADMIN_EMAILS';

/**
 * The ADMIN_EMAILS rule: a user whose *verified* primary email is listed gets `admin`. Kept apart from
 * the write path (writeClerkUser / applyClerkEvent): callers run it after a sync created or refreshed the
 * row (see docs/decisions/100). One statement, and the audit entry commits with the change or not at
 * all. Returns whether the user was promoted just now; an empty list costs no database call.
 */
export async function promoteListedAdmin(
  db: Db,
  clerkId: string,
  adminEmails: readonly string[],
): Promise<boolean> {
  if (adminEmails.length === 0) return false;
  const emails = adminEmails.map((email) => email.toLowerCase());
  const { rows } = await sql<{ target_id: string }>`
    WITH target AS (
      SELECT id, role FROM users
      WHERE clerk_id = ${clerkId} AND email_verified AND deleted_at IS NULL AND role <> ${ADMIN_ROLE}
        AND lower(email) = ANY(${emails}::text[])
      FOR UPDATE
    ), promoted AS (
      UPDATE users u SET role = ${ADMIN_ROLE} FROM target WHERE u.id = target.id
      RETURNING u.clerk_id, target.role AS previous_role
    )
    INSERT INTO audit_log (actor, action, target_type, target_id, before, after)
    SELECT ${ADMIN_EMAILS_ACTOR}, 'user.role_changed', 'user', clerk_id,
           jsonb_build_object('role', previous_role), jsonb_build_object('role', ${ADMIN_ROLE}::text)
    FROM promoted
    RETURNING target_id
  `.execute(db);
  return rows.length > 0;
}

/**
 * A cheap pre-check for the webhook path: whether a raw delivery body mentions any listed address at
 * all. Saves the statement for the (nearly all) deliveries of other users; a body that escapes an
 * address differently is caught by the user's next sync instead.
 */
export function mentionsListedEmail(body: string, adminEmails: readonly string[]): boolean {
  if (adminEmails.length === 0) return false;
  const lower = body.toLowerCase();
  return adminEmails.some((email) => lower.includes(email.toLowerCase()));
}
