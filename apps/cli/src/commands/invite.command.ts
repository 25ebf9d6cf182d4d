import { createInvitation, InvalidInvitationError, listInvitations } from '@usersync/core/invitations';
import type { CommandContext } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { printTable } from '../output/table.ts';

/** `usersync invite <email> --role <role>`: the first sync of that verified address gets the role. */
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
  let invitation: Awaited<ReturnType<typeof createInvitation>>;
  try {
    invitation = await createInvitation(db, { email, role: options.role, data });
  } catch (error) {
    if (error instanceof InvalidInvitationError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
  if (options.json) ctx.io.out(JSON.stringify(invitation, null, 2));
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
    ctx.io.out(JSON.stringify(invitations, null, 2));
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
