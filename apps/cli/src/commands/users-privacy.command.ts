import { createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { anonymizeUser, clerkIdSchema, describeClerkError, exportUserData } from '@usersync/core/internal';
import { type CommandContext, confirmDestructive } from '../command-context.ts';
import { requireClerkSecretKey } from '../env.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

// The person's rights over their data (docs/privacy.md): what is stored about them, and erasure.

function checkedClerkId(clerkId: string): string {
  if (!clerkIdSchema.safeParse(clerkId).success || !clerkId.startsWith('user_')) {
    throw new CliError(`"${clerkId}" is not a Clerk user id (user_…)`, EXIT.usage);
  }
  return clerkId;
}

/** `usersync users export <clerkId>`: one JSON document with everything stored about the person. */
export async function usersExportCommand(ctx: CommandContext, clerkId: string): Promise<ExitCode> {
  const id = checkedClerkId(clerkId);
  const { db } = await ctx.database();
  const document = await exportUserData(db, id);
  if (!document) throw new CliError(`nothing is stored about ${id}`, EXIT.notFound);
  ctx.io.out(JSON.stringify(document, null, 2));
  return EXIT.ok;
}

/**
 * `usersync users erase <clerkId>`: deletes the user in Clerk (`DELETE /v1/users/{id}`), then anonymizes
 * them here at once, without waiting for the `user.deleted` webhook (which is then answered duplicate).
 * Clerk first: if Clerk refuses, nothing changes here. A user Clerk no longer has (404) is still erased here.
 */
export async function usersEraseCommand(
  ctx: CommandContext,
  clerkId: string,
  options: { yes?: boolean; json?: boolean },
): Promise<ExitCode> {
  const id = checkedClerkId(clerkId);
  const secretKey = requireClerkSecretKey(ctx.config.clerk);
  const { db } = await ctx.database();
  await confirmDestructive(
    ctx,
    `Erasing ${id}: the user is deleted in Clerk (sessions ended, sign-in gone) and every personal field of theirs is cleared here; this cannot be undone`,
    options.yes,
  );
  const clerk = createClerkClient({ secretKey, apiUrl: ctx.config.clerk.apiUrl });
  let inClerk: 'deleted' | 'already gone';
  try {
    await clerk.users.deleteUser(id);
    inClerk = 'deleted';
  } catch (error) {
    if (!(isClerkAPIResponseError(error) && error.status === 404)) {
      throw new CliError(
        `Clerk did not delete ${id} (${describeClerkError(error) ?? String(error)}); nothing changed here`,
        EXIT.failure,
      );
    }
    inClerk = 'already gone';
  }
  const alreadyDeleted = await anonymizeUser(db, id);
  if (options.json) {
    ctx.io.out(JSON.stringify({ clerkId: id, clerk: inClerk, anonymized: true, alreadyDeleted }, null, 2));
  } else {
    ctx.io.out(
      `Erased ${id}: ${inClerk === 'deleted' ? 'deleted in Clerk' : 'Clerk no longer had them'}; anonymized here (row kept inactive, personal fields cleared, delivery payloads redacted).`,
    );
  }
  return EXIT.ok;
}
