import { createCommandContext, stdio } from './command-context.ts';
import { loadDotEnv, readCliConfig } from './env.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { reportError, runCli } from './program.ts';

// The `usersync` binary: environment → context → command → exit code.

// `pnpm usersync …` runs us from apps/cli; paths typed on the command line are relative to where
// the operator typed them (INIT_CWD, set by pnpm/npm), else to the current directory.
const cwd = process.env.INIT_CWD ?? process.cwd();
loadDotEnv();

// First Ctrl-C: stop between steps (a reconcile finishes its current transactions). Second: now.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted);
  process.stderr.write('\nusersync: stopping after the current step (Ctrl-C again to quit now)\n');
  controller.abort();
});

const io = stdio();
let exitCode: number;
try {
  const ctx = createCommandContext(readCliConfig(process.env), io, { cwd, signal: controller.signal });
  try {
    exitCode = await runCli(process.argv.slice(2), ctx);
  } finally {
    await ctx.close().catch(() => {});
  }
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  exitCode = reportError(io, process.argv.slice(2), error.message, error.exitCode);
}
process.exitCode = exitCode;
