import { type AuditActor, recordAuditEntry } from '../audit-log/audit-log.repository.ts';
import type { Db } from '../db/create-database.ts';
import type { UserRow } from '../db/schema.ts';
import { findUserForUpdate, lockActiveUsersWithRole, setUserRole } from '../users/user.repository.ts';
import { ADMIN_ROLE } from './roles.ts';

export class UserNotFoundError extends Error {
  constructor(ref: string) {
    super(`no user ${ref}`);
    this.name = 'UserNotFoundError';
  }
}

export class UnknownRoleError extends Error {
  constructor(role: string, roles: readonly string[]) {
    super(`"${role}" is not a configured role (ROLES: ${roles.join(', ')})`);
    this.name = 'UnknownRoleError';
  }
}

export class LastAdminError extends Error {
  constructor() {
    super('this is the last admin: make another user admin first');
    this.name = 'LastAdminError';
  }
}

export interface ChangeUserRoleInput extends AuditActor {
  clerkId: string;
  role: string;
  /** The configured roles (ROLES). */
  roles: readonly string[];
  /**
   * Runs inside the transaction after the row is updated and before it commits (the API writes the
   * role to Clerk's public_metadata here). Throwing rolls the change and its audit entry back.
   */
  beforeCommit?: (change: { user: UserRow; previousRole: string }) => Promise<void>;
}

export interface ChangeUserRoleResult {
  user: UserRow;
  previousRole: string;
  /** false: the user already had this role (no audit entry). */
  changed: boolean;
}

/**
 * Sets a user's app role and records it in audit_log, in one transaction. An admin cannot be demoted
 * when no other active admin is left: every demotion first locks all active admin rows (in id order,
 * so two admins demoting each other at once are serialised and the second is refused).
 */
export async function changeUserRole(db: Db, input: ChangeUserRoleInput): Promise<ChangeUserRoleResult> {
  if (!input.roles.includes(input.role)) throw new UnknownRoleError(input.role, input.roles);
  return db.transaction().execute(async (trx) => {
    const demoting = input.role !== ADMIN_ROLE;
    const activeAdmins = demoting ? await lockActiveUsersWithRole(trx, ADMIN_ROLE) : [];
    const current = await findUserForUpdate(trx, input.clerkId);
    if (!current) throw new UserNotFoundError(input.clerkId);
    const previousRole = current.role;
    if (demoting && activeAdmins.includes(current.clerk_id) && activeAdmins.length <= 1) {
      throw new LastAdminError();
    }
    const changed = previousRole !== input.role;
    const user = changed ? await setUserRole(trx, current.id, input.role) : current;
    if (changed) {
      await recordAuditEntry(trx, {
        actor: input.actor,
        actorEmail: input.actorEmail,
        action: 'user.role_changed',
        targetType: 'user',
        targetId: user.clerk_id,
        before: { role: previousRole },
        after: { role: input.role },
      });
    }
    await input.beforeCommit?.({ user, previousRole });
    return { user, previousRole, changed };
  });
}
