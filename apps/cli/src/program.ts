import {
  describeClerkError,
  EmbeddedDatabaseInUseError,
  isDatabaseUnavailableError,
  MigrationFailedError,
} from '@usersync/core/internal';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CliIo, CommandContext } from './command-context.ts';
import { inviteCommand, inviteListCommand } from './commands/invite.command.ts';
import { migrateCommand } from './commands/migrate.command.ts';
import { orgsListCommand, orgsShowCommand } from './commands/orgs.command.ts';
import { printReport, type ReconcileReport, reconcileCommand } from './commands/reconcile.command.ts';
import { printBillingReport, reconcileBillingSection } from './commands/reconcile-billing.command.ts';
import {
  printOrganizationKindReport,
  RECONCILE_KINDS,
  type ReconcileKind,
  reconcileOrganizationKinds,
} from './commands/reconcile-organizations.ts';
import { reconcileRunsCommand } from './commands/reconcile-runs.command.ts';
import { usersListCommand, usersSetRoleCommand, usersShowCommand } from './commands/users.command.ts';
import { usersEraseCommand, usersExportCommand } from './commands/users-privacy.command.ts';
import { webhookPruneCommand } from './commands/webhook-prune.command.ts';
import { webhookReplayCommand } from './commands/webhook-replay.command.ts';
import { webhookSendCommand } from './commands/webhook-send.command.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';

const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    failure (database or Clerk unreachable, migration failed, API answered non-2xx)
  2    usage error (bad arguments or options, missing configuration)
  3    refused by a safety guard (reconcile: most database users, organizations or memberships unknown
       to Clerk; a destructive command not confirmed: answer yes, or add --yes without a terminal);
       nothing written
  4    not found (user, organization, webhook delivery)
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
  CLERK_WEBHOOK_SIGNING_SECRET  for webhook send (or CLERK_WEBHOOK_SECRET)
  ROLES                         roles users set-role accepts (default member,admin)`,
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
    .argument(
      '<type>',
      'user.created|updated|deleted, organization.created|updated|deleted, organizationMembership.created|updated|deleted, organizationInvitation.created|accepted|revoked',
    )
    .option(
      '--url <url>',
      "the API's webhook endpoint (default http://localhost:$PORT/api/webhooks/clerk, PORT defaults to 3000)",
    )
    .option(
      '--secret <whsec>',
      'signing secret (default CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET)',
    )
    .option(
      '--user-id <id>',
      'Clerk user id (default: a new random user_…; required for user.deleted); for memberships, the member',
    )
    .option('--email <email>', 'primary email address (verified); for invitations, the invited address')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--username <name>', 'username')
    .option(
      '--org-id <id>',
      'Clerk organization id (default: a new random org_…; required for organization.deleted)',
    )
    .option('--name <name>', 'organization name')
    .option('--slug <slug>', 'organization slug')
    .option('--role <role>', 'membership or invitation role: admin, member or org:<key> (default org:member)')
    .option(
      '--membership-id <id>',
      'Clerk membership id (default: the same orgmem_… for the same --org-id and --user-id)',
    )
    .option('--invitation-id <id>', 'Clerk organization invitation id (required for accepted and revoked)')
    .option(
      '--file <path>',
      'JSON file holding a Clerk object (user, organization, …) or a whole event to send instead',
    )
    .option('--svix-id <id>', 'svix-id header (default: a new msg_…; reuse one to test de-duplication)')
    .option('--verbose', 'print the body sent (on stderr)')
    .option('--allow-remote', 'send to a --url that is not this machine (refused otherwise)')
    .addOption(json())
    .addHelpText(
      'after',
      '\nExamples:\n  npm run usersync -- webhook send user.created --email ada@example.com --first-name Ada\n' +
        '  npm run usersync -- webhook send user.deleted --user-id user_2abc\n' +
        '  npm run usersync -- webhook send organization.created --org-id org_acme --name Acme --slug acme\n' +
        '  npm run usersync -- webhook send organizationMembership.created --org-id org_acme --user-id user_2abc --role admin\n' +
        '  npm run usersync -- webhook send organizationMembership.deleted --org-id org_acme --user-id user_2abc',
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

  const reconcile = program
    .command('reconcile')
    .alias('backfill')
    .summary('compare Clerk with the database; --apply repairs it; `reconcile runs`')
    .description(
      'Compare every Clerk user, organization and membership (Backend API) with the database; dry run unless --apply. Never deletes; writes go through the webhook rules, so nothing newer is overwritten',
    )
    .addOption(new Option('--only <kind>', 'reconcile one kind only').choices([...RECONCILE_KINDS]))
    .option('--apply', 'write the differences (create, update, reactivate)')
    .option('--deactivate-missing', 'with --apply: mark active users that Clerk does not have as inactive')
    .option('--force', 'with --apply: go ahead even when most database users are unknown to Clerk')
    .option(
      '--since <when>',
      "incremental: only users updated since <ISO date | duration (15m, 6h, 7d) | last> (the last applied run's watermark)",
    )
    .option('--yes', 'do not ask before --apply --deactivate-missing --force (needed without a terminal)')
    .addOption(json())
    .addHelpText(
      'after',
      `
--apply is refused (exit 3) when more than half of the active database users (organizations,
memberships) are unknown to Clerk: that is what a CLERK_SECRET_KEY for another Clerk instance looks like.
Organizations are read before memberships; an instance without organizations skips those sections.

Examples:
  npm run usersync -- reconcile                      # dry run: what would change
  npm run usersync -- reconcile --apply              # adopt existing Clerk users / repair after an outage
  npm run usersync -- reconcile --apply --deactivate-missing --json
  npm run usersync -- reconcile --only organizations --apply
  npm run usersync -- reconcile --only billing --apply  # Clerk Billing: one Clerk call per active user and organization
  npm run usersync -- reconcile --apply --since last   # incremental: users updated since the last applied run
  npm run usersync -- reconcile runs                   # the last runs (CLI and scheduled)

Every run is recorded in the reconcile_runs table; one run at a time per database. --since reads users
incrementally; organizations and memberships are always read in full (they are few).`,
    )
    .action(async (options) => {
      if (options.deactivateMissing && !options.apply) {
        throw new CliError('--deactivate-missing only makes sense with --apply', EXIT.usage);
      }
      if (options.deactivateMissing && options.since !== undefined) {
        throw new CliError(
          '--deactivate-missing needs a full run: an incremental run (--since) does not list every user',
          EXIT.usage,
        );
      }
      const only = options.only as ReconcileKind | undefined;
      if (options.deactivateMissing && only && only !== 'users') {
        throw new CliError('--deactivate-missing applies to users only', EXIT.usage);
      }
      // One report with a section per kind: users (as before, at the top level of --json), then
      // organizations and memberships.
      const users =
        !only || only === 'users' ? await reconcileCommand(ctx, { ...options, print: false }) : null;
      if (only === 'billing') {
        if (options.since !== undefined) {
          throw new CliError('--since applies to users only; billing reads every payer', EXIT.usage);
        }
        const billing = await reconcileBillingSection(ctx, { apply: options.apply });
        if (options.json) ctx.io.out(JSON.stringify({ billing }, null, 2));
        else printBillingReport(ctx, billing);
        setExitCode(EXIT.ok);
        return;
      }
      const organizationKinds = (['organizations', 'memberships'] as const).filter(
        (k) => !only || only === k,
      );
      const sections = await reconcileOrganizationKinds(ctx, organizationKinds, {
        apply: options.apply,
        force: options.force,
        explicit: only !== undefined,
      });
      if (options.json) {
        const bySection = Object.fromEntries(sections.map((section) => [section.kind, section]));
        ctx.io.out(JSON.stringify({ ...(users?.report ?? {}), ...bySection }, null, 2));
      } else {
        if (users) printReport(ctx, users.report as ReconcileReport, options);
        for (const section of sections) printOrganizationKindReport(ctx, section);
      }
      const refused =
        (users?.exitCode ?? EXIT.ok) === EXIT.refused || sections.some((s) => 'refused' in s && s.refused);
      setExitCode(refused ? EXIT.refused : EXIT.ok);
    });
  reconcile
    .command('runs')
    .description('List the newest reconcile runs (CLI and scheduled) from the reconcile_runs table')
    .option('--limit <n>', 'at most this many (1-1000, default 20)', parseWholeNumber)
    .addOption(json())
    .action(run((options) => reconcileRunsCommand(ctx, options)));

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
    .summary('list users, show one, set a role, export or erase a person')
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
  users
    .command('set-role')
    .description(
      "Set a user's app role (one of ROLES), recorded in audit_log; also in Clerk public_metadata.role when CLERK_SECRET_KEY is set. Refuses to demote the last admin (exit 3)",
    )
    .argument('<clerk-id|email>', 'a Clerk id (user_…) or the email of an active user')
    .argument('<role>', 'one of ROLES (default member,admin)')
    .addOption(json())
    .addHelpText(
      'after',
      '\nExample (the first admin):\n  npm run usersync -- users set-role ada@example.com admin',
    )
    .action(run((ref: string, role: string, options) => usersSetRoleCommand(ctx, ref, role, options)));
  users
    .command('export')
    .description(
      'Print one JSON document with everything stored about a person: row, settings, memberships, invitations, billing, audit entries, deliveries (records, not payloads)',
    )
    .argument('<clerk-id>', 'the Clerk user id (user_…)')
    .action(run((clerkId: string) => usersExportCommand(ctx, clerkId)));
  users
    .command('erase')
    .description(
      'Delete a user in Clerk (DELETE /v1/users/{id}) and anonymize them here at once (docs/privacy.md); asks first',
    )
    .argument('<clerk-id>', 'the Clerk user id (user_…)')
    .option('--yes', 'erase without asking (required without a terminal)')
    .addOption(json())
    .action(run((clerkId: string, options) => usersEraseCommand(ctx, clerkId, options)));

  const orgs = program
    .command('orgs')
    .summary('list organizations, show one with its members')
    .description('Look at organizations and memberships in the database');
  orgs
    .command('list')
    .description('List organizations, oldest first, with member counts')
    .option('--limit <n>', 'at most this many (1-1000, default 50)', parseWholeNumber)
    .option('--include-inactive', 'include deleted organizations')
    .addOption(json())
    .action(run((options) => orgsListCommand(ctx, options)));
  orgs
    .command('show')
    .description('Show one organization with its members and their roles')
    .argument('<clerk-id|slug>', 'a Clerk organization id (org_…) or a slug')
    .addOption(json())
    .action(run((ref: string, options) => orgsShowCommand(ctx, ref, options)));

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
        (ctx.config.database.kind === 'postgres' ? ' Check DATABASE_URL and that Postgres is running.' : ''),
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
