import {
  createInvitation,
  findActiveUserByEmail,
  InvalidInvitationError,
  listInvitations,
  updateAppOwnedFields,
} from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { printTable } from '../output/table.ts';

/**
 * `usersync invite <email> --role <role>`: the first sync of that verified address gets the role.
 * An invitation is claimed only when a user's row is created, so for an address an active user already
 * holds the role is applied to that user now instead (an invitation would never be claimed).
 */
export async function inviteCommand(
  ctx: CommandContext,
  email: string,
  options: { role: string; data?: string; json?: boolean },
): Promise<ExitCode> {
  let data: Record<string, unknown> | undefined;
  if (options.data !== undefined) {
    try {
      data = JSON.parse(options.data);
    } catch (error) {
      throw new CliError(`--data is not JSON: ${(error as Error).message}`, EXIT.usage);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new CliError('--data must be a JSON object', EXIT.usage);
    }
  }
  const { db } = await ctx.database();
  const existing = await findActiveUserByEmail(db, email.trim());
  if (existing) {
    if (data !== undefined) {
      throw new CliError(
        `${existing.email} already has a user (${existing.clerk_id}); --data only goes with an invitation for someone who has not signed in yet. Nothing changed.`,
        EXIT.usage,
      );
    }
    const role = options.role.trim();
    if (role.length < 1 || role.length > 64)
      throw new CliError('role must be 1 to 64 characters', EXIT.usage);
    const updated = await updateAppOwnedFields(db, existing.id, { role });
    if (options.json) {
      ctx.io.out(
        JSON.stringify(
          { status: 'role_applied', previousRole: existing.role, user: updated ?? existing },
          null,
          2,
        ),
      );
    } else {
      ctx.io.out(
        `${existing.email} already has a user (${existing.clerk_id}): role set to ${role} now (was ${existing.role}). No invitation was created.`,
      );
    }
    return EXIT.ok;
  }
  let invitation: Awaited<ReturnType<typeof createInvitation>>;
  try {
    invitation = await createInvitation(db, { email, role: options.role, data });
  } catch (error) {
    if (error instanceof InvalidInvitationError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
  if (options.json) ctx.io.out(JSON.stringify({ status: 'invited', invitation }, null, 2));
  else {
    ctx.io.out(`Invited ${invitation.email} as ${invitation.role}.`);
    ctx.io.out('Their first sign-in with this address, once verified, creates their user with this role.');
  }
  return EXIT.ok;
}

export async function inviteListCommand(
  ctx: CommandContext,
  options: { all?: boolean; json?: boolean },
): Promise<ExitCode> {
  const { db } = await ctx.database();
  const invitations = await listInvitations(db, { includeClaimed: options.all });
  if (options.json) {
    // The envelope every listing shares: { total, <items> } (as `users list --json`).
    ctx.io.out(JSON.stringify({ total: invitations.length, invitations }, null, 2));
    return EXIT.ok;
  }
  if (invitations.length === 0) {
    ctx.io.out(options.all ? 'No invitations.' : 'No open invitations.');
    return EXIT.ok;
  }
  printTable(
    ctx.io,
    ['email', 'role', 'invited', 'claimed'],
    invitations.map((i) => [i.email, i.role, i.created_at.toISOString(), i.claimed_at?.toISOString() ?? '-']),
  );
  return EXIT.ok;
}
