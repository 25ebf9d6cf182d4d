import { EmbeddedDatabaseInUseError, isDatabaseUnavailableError } from '@usersync/core/db';
import { MigrationFailedError } from '@usersync/core/migrations';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { describeClerkError } from './clerk/clerk-backend-user-source.ts';
import type { CliIo, CommandContext } from './command-context.ts';
import { inviteCommand, inviteListCommand } from './commands/invite.command.ts';
import { migrateCommand } from './commands/migrate.command.ts';
import { reconcileCommand } from './commands/reconcile.command.ts';
import { usersListCommand, usersShowCommand } from './commands/users.command.ts';
import { webhookPruneCommand } from './commands/webhook-prune.command.ts';
import { webhookReplayCommand } from './commands/webhook-replay.command.ts';
import { webhookSendCommand } from './commands/webhook-send.command.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';

const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    failure (database or Clerk unreachable, migration failed, API answered non-2xx)
  2    usage error (bad arguments or options, missing configuration)
  3    refused by a safety guard (reconcile: most database users unknown to Clerk; a destructive
       command not confirmed: answer yes, or add --yes without a terminal); nothing written
  4    not found (user, webhook delivery)
  130  interrupted (Ctrl-C); committed work stays, re-running is safe`;

/**
 * The `usersync` command line. Each action runs a command function with the injected context and
 * stores its exit code; run() turns errors into messages and exit codes.
 */
export function buildProgram(ctx: CommandContext, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('usersync')
    .description(
      'Operate usersync: migrations, local webhook deliveries, replay, reconcile with Clerk, users.',
    )
    .version('0.1.0')
    .exitOverride()
    // Options after a subcommand belong to it (`invite list --json` is not `invite --json`).
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `${EXIT_CODES_HELP}

Configuration (environment or .env at the repository root):
  DATABASE_URL                  Postgres URL; unset: the embedded PGlite database in DATA_DIR (.data/pglite)
  CLERK_SECRET_KEY              for reconcile; CLERK_API_URL overrides https://api.clerk.com
  CLERK_WEBHOOK_SIGNING_SECRET  for webhook send (or CLERK_WEBHOOK_SECRET)`,
    );
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<ExitCode>) =>
    async (...args: A) =>
      setExitCode(await fn(...args));
  const json = () => new Option('--json', 'print machine-readable JSON');

  program
    .command('migrate')
    .summary('migrate the database (--status, --down)')
    .description('Migrate the database to the latest schema (exits 1 when a migration fails)')
    .option('--status', 'list applied and pending migrations, change nothing')
    .option('--down', 'revert the newest applied migration (drops its tables: asks first)')
    .option('--yes', 'do not ask before --down (needed without a terminal)')
    .addOption(json().implies({ status: true }).hideHelp())
    .action(run((options) => migrateCommand(ctx, options)));

  const webhook = program
    .command('webhook')
    .summary('send a signed test event to the API, replay a recorded one, prune old ones')
    .description('Local webhook deliveries: send a signed test event, replay one, prune old ones');
  webhook
    .command('send')
    .description('Sign a realistic Clerk event with the webhook secret, as Svix does, and post it to the API')
    .argument('<type>', 'user.created | user.updated | user.deleted')
    .option(
      '--url <url>',
      "the API's webhook endpoint (default http://localhost:$PORT/api/webhooks/clerk, PORT defaults to 3000)",
    )
    .option(
      '--secret <whsec>',
      'signing secret (default CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET)',
    )
    .option('--user-id <id>', 'Clerk user id (default: a new random user_…; required for user.deleted)')
    .option('--email <email>', 'primary email address (verified)')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--username <name>', 'username')
    .option('--file <path>', 'JSON file holding a Clerk user (UserJSON) or a whole event to send instead')
    .option('--svix-id <id>', 'svix-id header (default: a new msg_…; reuse one to test de-duplication)')
    .option('--verbose', 'print the body sent (on stderr)')
    .option('--allow-remote', 'send to a --url that is not this machine (refused otherwise)')
    .addOption(json())
    .addHelpText(
      'after',
      '\nExamples:\n  npm run usersync -- webhook send user.created --email ada@example.com --first-name Ada\n' +
        '  npm run usersync -- webhook send user.deleted --user-id user_2abc',
    )
    .action(run((type: string, options) => webhookSendCommand(ctx, type, options)));
  webhook
    .command('replay')
    .description(
      'Re-apply a recorded delivery from webhook_events through the same rules (recorded as a replay)',
    )
    .argument('<svix-id>', 'the svix-id of the recorded delivery')
    .addOption(json())
    .action(run((svixId: string, options) => webhookReplayCommand(ctx, svixId, options)));
  webhook
    .command('prune')
    .description(
      'Delete recorded deliveries older than --older-than days from webhook_events (retention); keeps invalid and failed ones unless --include-problems',
    )
    .option('--older-than <days>', 'age in days, at least 1', parseWholeNumber, 30)
    .option('--include-problems', 'also delete invalid and failed deliveries (asks first)')
    .option('--yes', 'do not ask before --include-problems (needed without a terminal)')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .addOption(json())
    .action(run((options) => webhookPruneCommand(ctx, options)));

  program
    .command('reconcile')
    .alias('backfill')
    .summary('compare Clerk with the database; --apply repairs it')
    .description(
      'Compare every Clerk user (Backend API) with the database; dry run unless --apply. Never deletes; writes go through the webhook rules, so nothing newer is overwritten',
    )
    .option('--apply', 'write the differences (create, update, reactivate)')
    .option('--deactivate-missing', 'with --apply: mark active users that Clerk does not have as inactive')
    .option('--force', 'with --apply: go ahead even when most database users are unknown to Clerk')
    .option('--yes', 'do not ask before --apply --deactivate-missing --force (needed without a terminal)')
    .addOption(json())
    .addHelpText(
      'after',
      `
--apply is refused (exit 3) when more than half of the active database users are unknown to Clerk:
that is what a CLERK_SECRET_KEY for another Clerk instance looks like.

Examples:
  npm run usersync -- reconcile                      # dry run: what would change
  npm run usersync -- reconcile --apply              # adopt existing Clerk users / repair after an outage
  npm run usersync -- reconcile --apply --deactivate-missing --json`,
    )
    .action(async (options) => {
      if (options.deactivateMissing && !options.apply) {
        throw new CliError('--deactivate-missing only makes sense with --apply', EXIT.usage);
      }
      setExitCode((await reconcileCommand(ctx, options)).exitCode);
    });

  const invite = program
    .command('invite')
    .summary('pre-provision a user with a role; `invite list`')
    .description(
      'Pre-provision a user: the first sign-in with this (verified) email gets the role; `invite list` lists',
    )
    .argument('<email>', 'email address to invite')
    .option('--role <role>', 'role the user gets on first sign-in (required)')
    .option('--data <json>', 'app data (JSON object) stored on the user when the invitation is claimed')
    .addOption(json())
    .action(
      run((email: string, options) => {
        // Not a commander requiredOption: that would also be required by `invite list`.
        if (!options.role)
          throw new CliError('--role <role> is required: usersync invite <email> --role <role>', EXIT.usage);
        return inviteCommand(ctx, email, options);
      }),
    );
  invite
    .command('list')
    .description('List open invitations')
    .option('--all', 'include claimed invitations')
    .addOption(json())
    .action(run((options) => inviteListCommand(ctx, options)));

  const users = program
    .command('users')
    .summary('list users, show one')
    .description('Look at users in the database');
  users
    .command('list')
    .description('List users, oldest first')
    .option('--limit <n>', 'at most this many (1-1000, default 50)', parseWholeNumber)
    .option('--after <id>', 'start after this user id (the last id of the previous page)')
    .option('--include-inactive', 'include deactivated and deleted users')
    .addOption(json())
    .action(run((options) => usersListCommand(ctx, options)));
  users
    .command('show')
    .description('Show one user with settings')
    .argument('<id|clerk-id|email>', 'our uuid, a Clerk id (user_…) or an email address')
    .addOption(json())
    .action(run((ref: string, options) => usersShowCommand(ctx, ref, options)));

  return program;
}

function parseWholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not a whole number');
  return n;
}

/**
 * Runs one command line; returns the exit code and writes any error for the operator. Never throws.
 * With `--json` an error is one JSON object on stdout (`{"error":{"message","exitCode"}}`), so a script
 * reading stdout always gets JSON; without it, one line on stderr. Never a stack trace for an error we
 * can name.
 */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = buildProgram(ctx, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help and --version "fail" with exit code 0; every other commander error is a usage error
    // (commander has already printed it).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { message, exitCode } = describeError(ctx, error);
    return reportError(ctx.io, argv, message, exitCode);
  }
}

/** Writes an error for the operator (one line on stderr) or, under `--json`, for a script (stdout). */
export function reportError(
  io: CliIo,
  argv: readonly string[],
  message: string,
  exitCode: ExitCode,
): ExitCode {
  if (argv.includes('--json')) io.out(JSON.stringify({ error: { message, exitCode } }, null, 2));
  else io.err(`usersync: ${message}`);
  return exitCode;
}

function describeError(ctx: CommandContext, error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (ctx.signal?.aborted || (error as Error | null)?.name === 'AbortError') {
    return {
      message: 'interrupted. Work already committed stays; running the command again is safe.',
      exitCode: EXIT.interrupted,
    };
  }
  if (error instanceof MigrationFailedError || error instanceof EmbeddedDatabaseInUseError) {
    return { message: error.message, exitCode: EXIT.failure };
  }
  const clerk = describeClerkError(error);
  if (clerk) return { message: clerk, exitCode: EXIT.failure };
  if (isDatabaseUnavailableError(error)) {
    return {
      message:
        `cannot reach the database (${(error as Error).message}).` +
        (ctx.config.databaseUrl ? ' Check DATABASE_URL and that Postgres is running.' : ''),
      exitCode: EXIT.failure,
    };
  }
  if ((error as { code?: unknown } | null)?.code === '42P01') {
    return {
      message: `the database has no usersync tables yet (${(error as Error).message}): run \`npm run db:migrate\` first.`,
      exitCode: EXIT.failure,
    };
  }
  // A bug: the stack helps whoever reports it.
  return {
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    exitCode: EXIT.failure,
  };
}
