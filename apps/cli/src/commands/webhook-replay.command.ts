import {
  replayWebhookEvent,
  WebhookEventNotFoundError,
  WebhookEventNotReplayableError,
} from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

/**
 * `usersync webhook replay <svix-id>`: runs a recorded delivery through the rules again (after a
 * bug fix, or a restore). Recorded under a derived svix-id; see core's replayWebhookEvent.
 */
export async function webhookReplayCommand(
  ctx: CommandContext,
  svixId: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const { db } = await ctx.database();
  let result: Awaited<ReturnType<typeof replayWebhookEvent>>;
  try {
    result = await replayWebhookEvent(db, svixId, ctx.config.sync);
  } catch (error) {
    if (error instanceof WebhookEventNotFoundError) throw new CliError(error.message, EXIT.notFound);
    if (error instanceof WebhookEventNotReplayableError) throw new CliError(error.message, EXIT.failure);
    throw error;
  }
  const { original, replayOf: _, ...outcome } = result;
  if (options.json) {
    ctx.io.out(
      JSON.stringify(
        {
          replayOf: svixId,
          originalStatus: original.status,
          originalReceivedAt: original.created_at,
          ...outcome,
        },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(
      `Replayed ${svixId} (${result.type ?? 'unknown type'} for ${result.clerkUserId ?? 'unknown user'}, ` +
        `received ${original.created_at.toISOString()}, was ${original.status})`,
    );
    ctx.io.out(`Result: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
    ctx.io.out(`Recorded as ${result.svixId}`);
  }
  return result.status === 'invalid' ? EXIT.failure : EXIT.ok;
}
