import { createCommandContext, stdio } from './command-context.ts';
import { invocationDirectory, loadDotEnv, readCliConfig } from './env.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { reportError, runCli } from './program.ts';

// The `usersync` binary: environment → context → command → exit code.

const cwd = invocationDirectory();
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
  const ctx = createCommandContext(readCliConfig(), io, { cwd, signal: controller.signal });
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
