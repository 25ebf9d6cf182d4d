import { pruneWebhookEvents, redactExpiredPayloads } from '@usersync/core/internal';
import { type CommandContext, confirmDestructive } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

const DAY_MS = 86_400_000;

/**
 * `usersync webhook prune`: retention for webhook_events, which keeps every payload otherwise. Also
 * redacts the payloads of settled deliveries older than WEBHOOK_PAYLOAD_RETENTION_DAYS (docs/privacy.md),
 * as the API's scheduled work does.
 * Svix retries a delivery for about 28 hours, hence the floor of one day; redeliveries of pruned ones
 * are still answered duplicate or stale by the users' own ordering key and tombstones.
 */
export async function webhookPruneCommand(
  ctx: CommandContext,
  options: {
    olderThan: number;
    includeProblems?: boolean;
    dryRun?: boolean;
    /** --include-problems without asking. */
    yes?: boolean;
    json?: boolean;
  },
): Promise<ExitCode> {
  if (options.olderThan < 1) throw new CliError('--older-than must be at least 1 day', EXIT.usage);
  const before = new Date(Date.now() - options.olderThan * DAY_MS);
  const { db } = await ctx.database();
  if (options.includeProblems && !options.dryRun) {
    const problems = await pruneWebhookEvents(db, { before, includeProblems: true, dryRun: true });
    await confirmDestructive(
      ctx,
      `Deleting ${problems} deliveries recorded before ${before.toISOString()}, invalid and failed ones included (their payloads are the only record of what went wrong)`,
      options.yes,
    );
  }
  const count = await pruneWebhookEvents(db, {
    before,
    includeProblems: options.includeProblems,
    dryRun: options.dryRun,
  });
  const redactBefore = new Date(Date.now() - ctx.config.webhookPayloadRetentionDays * DAY_MS);
  const redacted = await redactExpiredPayloads(db, { before: redactBefore, dryRun: options.dryRun });
  const redaction = `payloads of ${redacted} settled deliveries older than ${ctx.config.webhookPayloadRetentionDays} days (WEBHOOK_PAYLOAD_RETENTION_DAYS)`;
  const kept = options.includeProblems
    ? ''
    : ' (invalid and failed ones kept; --include-problems removes them)';
  if (options.json) {
    ctx.io.out(
      JSON.stringify(
        { before: before.toISOString(), dryRun: Boolean(options.dryRun), count, redacted },
        null,
        2,
      ),
    );
  } else if (options.dryRun) {
    ctx.io.out(
      `Would delete ${count} deliveries recorded before ${before.toISOString()}${kept}. Nothing deleted.`,
    );
    ctx.io.out(`Would redact the ${redaction}. Nothing redacted.`);
  } else {
    ctx.io.out(`Deleted ${count} deliveries recorded before ${before.toISOString()}${kept}.`);
    ctx.io.out(`Redacted the ${redaction}.`);
  }
  return EXIT.ok;
}
