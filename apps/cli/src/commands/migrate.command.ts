import {
  describeApplied,
  describePending,
  migrateDown,
  migrateToLatest,
  migrationStatus,
  sqlFunctionStatus,
} from '@usersync/core/internal';
import { type CommandContext, confirmDestructive } from '../command-context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';

export interface MigrateOptions {
  status?: boolean;
  down?: boolean;
  /** Revert without asking (--down destroys data). */
  yes?: boolean;
  json?: boolean;
}

/** `usersync migrate`: to the latest schema; `--status` lists; `--down` reverts one. Throws MigrationFailedError. */
export async function migrateCommand(ctx: CommandContext, options: MigrateOptions): Promise<ExitCode> {
  const { db, description } = await ctx.database();
  if (options.status) {
    const migrations = await migrationStatus(db);
    const sqlFunctions = await sqlFunctionStatus(db);
    if (options.json) {
      ctx.io.out(JSON.stringify({ database: description, migrations, sqlFunctions }, null, 2));
      return EXIT.ok;
    }
    // The table migrations, then the SQL function files installed after them (docs/decisions/140).
    const status = [...migrations, ...sqlFunctions];
    ctx.io.out(`Migrations on ${description}:`);
    for (const m of status) {
      ctx.io.out(
        `  ${m.appliedAt ? 'applied' : 'pending'}  ${m.name}${m.appliedAt ? `  (${m.appliedAt.toISOString()})` : ''}`,
      );
    }
    const pending = status.filter((m) => !m.appliedAt).map((m) => m.name);
    ctx.io.out(pending.length === 0 ? describeApplied([], description) : describePending(pending));
    return EXIT.ok;
  }
  if (options.down) {
    const newest = (await migrationStatus(db)).filter((m) => m.appliedAt).at(-1);
    if (newest) {
      await confirmDestructive(
        ctx,
        `Reverting migration ${newest.name} on ${description} drops what it created, tables and their rows included`,
        options.yes,
      );
    }
    const reverted = await migrateDown(db);
    ctx.io.out(
      reverted.length === 0
        ? `Nothing to revert on ${description}.`
        : `Reverted ${reverted.join(', ')} on ${description}.`,
    );
    return EXIT.ok;
  }
  const applied = await migrateToLatest(db);
  ctx.io.out(describeApplied(applied, description));
  return EXIT.ok;
}
