// ROLES and ADMIN_EMAILS: the role names an installation uses and who is made admin. Core's admin
// rules (packages/core/src/admin) import them from here.

/** The role every admin route requires (`users.role = 'admin'`). */
export const ADMIN_ROLE = 'admin';

/** `ROLES` when unset: the roles an admin can give. */
export const DEFAULT_ROLES = ['member', ADMIN_ROLE] as const;

/**
 * Parses a comma-separated role list (`ROLES`). Returns the roles, or a problem to report: a list
 * without `admin` would lock every admin out of the console.
 */
export function parseRoleList(value: string): { roles: string[] } | { problem: string } {
  const roles = [
    ...new Set(
      value
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean),
    ),
  ];
  const bad = roles.find((role) => !/^[a-z0-9][a-z0-9:_-]{0,63}$/i.test(role));
  if (bad !== undefined)
    return { problem: `"${bad}" is not a role name (letters, digits, : _ -, at most 64)` };
  if (!roles.includes(ADMIN_ROLE)) return { problem: `must include ${ADMIN_ROLE}` };
  return { roles };
}

/** Parses `ADMIN_EMAILS` (comma-separated); addresses are compared lower-cased. */
export function parseEmailList(value: string): { emails: string[] } | { problem: string } {
  const emails = [
    ...new Set(
      value
        .split(',')
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = emails.find((email) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email));
  return bad === undefined ? { emails } : { problem: `"${bad}" is not an email address` };
}
