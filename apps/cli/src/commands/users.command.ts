import { userInfo } from 'node:os';
import { createClerkClient } from '@clerk/backend';
import type { Db } from '@usersync/core/internal';
import {
  changeUserRole,
  countUsers,
  currentPlanOf,
  findActiveUserByEmail,
  findUserByClerkId,
  findUserById,
  isUuid,
  LastAdminError,
  listUsers,
  type UserWithSettings,
} from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { describePlan } from '../output/plan.ts';
import { printTable } from '../output/table.ts';

/** A user by our uuid, a Clerk id (`user_…`) or an email (the active user holding it); exit 4 when none. */
async function findUserByRef(db: Db, ref: string): Promise<UserWithSettings> {
  const user = isUuid(ref)
    ? await findUserById(db, ref)
    : ref.includes('@')
      ? await findActiveUserByEmail(db, ref)
      : await findUserByClerkId(db, ref);
  if (!user) {
    throw new CliError(
      `no user ${ref.includes('@') ? 'is active with the email' : 'with id'} ${ref}`,
      EXIT.notFound,
    );
  }
  return user;
}

/**
 * `usersync users set-role <clerk-id|email> <role>`: sets the app role (one of ROLES) with an audit
 * entry; refuses to demote the last admin (exit 3). With CLERK_SECRET_KEY it also writes the role to
 * the user's Clerk public_metadata inside the same transaction (a Clerk failure changes nothing), as
 * the console does; without it only the database changes, and the output says so.
 */
export async function usersSetRoleCommand(
  ctx: CommandContext,
  ref: string,
  role: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  if (!ctx.config.roles.includes(role)) {
    throw new CliError(`"${role}" is not one of ROLES (${ctx.config.roles.join(', ')})`, EXIT.usage);
  }
  const { db } = await ctx.database();
  const user = await findUserByRef(db, ref);
  const clerk = ctx.config.clerk.secretKey
    ? createClerkClient({ secretKey: ctx.config.clerk.secretKey, apiUrl: ctx.config.clerk.apiUrl })
    : null;
  let result: Awaited<ReturnType<typeof changeUserRole>>;
  try {
    result = await changeUserRole(db, {
      clerkId: user.clerk_id,
      role,
      roles: ctx.config.roles,
      actor: `cli:${operatingSystemUser()}`,
      beforeCommit: clerk
        ? async () => {
            await clerk.users.updateUserMetadata(user.clerk_id, { publicMetadata: { role } });
          }
        : undefined,
    });
  } catch (error) {
    if (error instanceof LastAdminError)
      throw new CliError(`${error.message}; nothing changed`, EXIT.refused);
    throw error;
  }
  const clerkNote = clerk
    ? 'written to Clerk public_metadata.role'
    : 'not written to Clerk (CLERK_SECRET_KEY is not set)';
  if (options.json) {
    ctx.io.out(
      JSON.stringify(
        {
          clerkId: user.clerk_id,
          previousRole: result.previousRole,
          role,
          changed: result.changed,
          clerkMetadataWritten: Boolean(clerk),
        },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(
      result.changed
        ? `Role of ${user.clerk_id} (${user.email ?? 'no email'}): ${result.previousRole} → ${role}; ${clerkNote}.`
        : `${user.clerk_id} already has the role ${role}; ${clerkNote}.`,
    );
  }
  return EXIT.ok;
}

function operatingSystemUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function usersListCommand(
  ctx: CommandContext,
  options: { limit?: number; after?: string; includeInactive?: boolean; json?: boolean },
): Promise<ExitCode> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CliError('--limit must be a whole number from 1 to 1000', EXIT.usage);
  }
  const { db } = await ctx.database();
  const [users, total] = await Promise.all([
    listUsers(db, { limit, afterId: options.after, includeInactive: options.includeInactive }),
    countUsers(db, { includeInactive: options.includeInactive }),
  ]);
  if (options.json) {
    ctx.io.out(JSON.stringify({ total, users }, null, 2));
    return EXIT.ok;
  }
  if (users.length === 0) {
    ctx.io.out(options.includeInactive ? 'No users.' : 'No active users.');
    return EXIT.ok;
  }
  printTable(
    ctx.io,
    ['id', 'clerk id', 'email', 'name', 'role', 'status'],
    users.map((u) => [
      u.id,
      u.clerk_id,
      u.email ?? '-',
      [u.first_name, u.last_name].filter(Boolean).join(' ') || '-',
      u.role,
      u.deleted_at ? 'deleted' : u.is_active ? 'active' : 'inactive',
    ]),
  );
  ctx.io.out(`${users.length} of ${total} ${options.includeInactive ? '' : 'active '}users (oldest first).`);
  if (users.length === limit) ctx.io.out(`Next page: --after ${users[users.length - 1]!.id}`);
  return EXIT.ok;
}

/** `usersync users show <ref>`: our uuid, a Clerk id (`user_…`) or an email (the active user holding it). */
export async function usersShowCommand(
  ctx: CommandContext,
  ref: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const { db } = await ctx.database();
  const user = await findUserByRef(db, ref);
  const plan = await currentPlanOf(db, { clerkUserId: user.clerk_id });
  if (options.json) {
    ctx.io.out(JSON.stringify({ ...user, plan }, null, 2));
    return EXIT.ok;
  }
  const date = (d: Date | null) => d?.toISOString() ?? '-';
  const rows: Array<[string, string]> = [
    ['id', user.id],
    ['clerk id', user.clerk_id],
    [
      'email',
      `${user.email ?? '-'}${user.email ? (user.email_verified ? ' (verified)' : ' (unverified)') : ''}`,
    ],
    ['name', [user.first_name, user.last_name].filter(Boolean).join(' ') || '-'],
    ['username', user.username ?? '-'],
    ['phone', user.phone_number ?? '-'],
    ['role', user.role],
    ['plan', describePlan(plan)],
    [
      'status',
      user.deleted_at
        ? `deleted ${date(user.deleted_at)}`
        : user.is_active
          ? 'active'
          : 'inactive (not found in Clerk by reconcile)',
    ],
    // Clerk's two flags, shown apart: a lock is a temporary lockout, not a ban.
    ['banned', user.banned ? 'yes (refused by the API)' : 'no'],
    ['locked', user.locked ? 'yes (temporary lockout in Clerk)' : 'no'],
    ['theme', user.settings.theme],
    ['last sign-in', date(user.last_sign_in_at)],
    ['clerk updated', date(user.clerk_updated_at)],
    ['member since', date(user.created_at)],
    ['public metadata', JSON.stringify(user.public_metadata)],
    ['app metadata', JSON.stringify(user.app_metadata)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [key, value] of rows) ctx.io.out(`${key.padEnd(width)}  ${value}`);
  return EXIT.ok;
}
