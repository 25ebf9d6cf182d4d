import { isAbsolute, resolve } from 'node:path';
import { createDatabase, type DatabaseHandle, type Db } from '@usersync/core/internal';
import type { CliConfig } from './env.ts';
import { CliError, EXIT } from './exit-codes.ts';

/** Where a command writes: stdout for results (tables, JSON), stderr for progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: show a progress bar rather than plain lines. */
  isTTY: boolean;
  /** stdin and stderr are a terminal: there is an operator to ask (see confirmDestructive). */
  interactive: boolean;
  /** Asks the operator a yes/no question, default no. Only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
}

/**
 * Everything a command needs, injected: tests pass a database they opened and a captured io; the
 * binary builds it from the environment (see createCommandContext).
 */
export interface CommandContext {
  config: CliConfig;
  io: CliIo;
  /** The database, opened on first use (commands such as `webhook send` never open it). */
  database(): Promise<{ db: Db; description: string }>;
  /** The directory relative paths given on the command line are relative to. */
  cwd: string;
  /** Aborted on Ctrl-C: long commands stop between steps. */
  signal?: AbortSignal;
}

export function resolvePath(ctx: CommandContext, path: string): string {
  return isAbsolute(path) ? path : resolve(ctx.cwd, path);
}

/** A context over the configured database (DATABASE_URL, else the embedded PGlite), closed by close(). */
export function createCommandContext(
  config: CliConfig,
  io: CliIo,
  options: { cwd: string; signal?: AbortSignal },
): CommandContext & { close(): Promise<void> } {
  let handle: DatabaseHandle | undefined;
  return {
    config,
    io,
    cwd: options.cwd,
    signal: options.signal,
    async database() {
      handle ??= createDatabase(config.database);
      return handle;
    },
    async close() {
      await handle?.close();
    },
  };
}

export function stdio(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stderr.isTTY),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    async confirm(question) {
      const { default: confirm } = await import('@inquirer/confirm');
      try {
        // On stderr: stdout stays for results (and --json).
        return await confirm({ message: question, default: false }, { output: process.stderr });
      } catch (error) {
        // Ctrl-C or a closed terminal while asking: the answer is no.
        if ((error as Error).name === 'ExitPromptError') return false;
        throw error;
      }
    },
  };
}

/**
 * The gate in front of a destructive step: `--yes` goes ahead; otherwise the operator is asked, and
 * without a terminal to ask on the command is refused (exit 3) before anything is changed.
 */
export async function confirmDestructive(
  ctx: CommandContext,
  action: string,
  yes: boolean | undefined,
): Promise<void> {
  if (yes) return;
  if (!ctx.io.interactive) {
    throw new CliError(
      `${action}. Refused without confirmation: there is no terminal to ask on. Add --yes to go ahead.`,
      EXIT.refused,
    );
  }
  if (!(await ctx.io.confirm(`${action}. Go ahead?`))) {
    throw new CliError('Cancelled: nothing was changed.', EXIT.refused);
  }
}
