import { recordAuditEntry } from '../audit-log/audit-log.repository.ts';
import type { Db } from '../db/create-database.ts';
import { grantRoleToVerifiedEmail } from '../users/user.repository.ts';
import { ADMIN_ROLE } from './roles.ts';

/** The audit actor of promotions made by this rule. */
export const ADMIN_EMAILS_ACTOR = 'system:ADMIN_EMAILS';

/**
 * The ADMIN_EMAILS rule: a user whose *verified* primary email is listed gets `admin`. Kept apart from
 * the write path (writeClerkUser / applyClerkEvent): callers run it after a sync created or refreshed the
 * row (see docs/decisions/100). One transaction: the audit entry commits with the change or not at all.
 * Returns whether the user was promoted just now; an empty list costs no database call.
 */
export async function promoteListedAdmin(
  db: Db,
  clerkId: string,
  adminEmails: readonly string[],
): Promise<boolean> {
  if (adminEmails.length === 0) return false;
  return db.transaction().execute(async (trx) => {
    const previousRole = await grantRoleToVerifiedEmail(trx, clerkId, adminEmails, ADMIN_ROLE);
    if (previousRole === null) return false;
    await recordAuditEntry(trx, {
      actor: ADMIN_EMAILS_ACTOR,
      action: 'user.role_changed',
      targetType: 'user',
      targetId: clerkId,
      before: { role: previousRole },
      after: { role: ADMIN_ROLE },
    });
    return true;
  });
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
