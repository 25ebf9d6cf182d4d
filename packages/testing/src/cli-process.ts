import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_VARIABLES } from '@usersync/config';
import { REPO_ROOT } from './repo-root.ts';

/**
 * Every variable usersync reads, blank: a process started with it cannot pick up a developer's `.env`
 * (dotenv never overrides a variable that is set).
 */
export const BLANK_USERSYNC_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  ['NODE_ENV', ...Object.keys(ENV_VARIABLES)].map((name) => [name, '']),
);

/** The `usersync` binary (it runs its TypeScript sources with Node 24; nothing to build). */
export const CLI_ENTRY = join(REPO_ROOT, 'apps', 'cli', 'bin', 'usersync.js');

export interface CliProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `usersync` binary. `env` replaces the inherited Clerk/database variables so the
 * developer's .env cannot leak in (the binary loads .env only for variables not set).
 */
export function runCliProcess(
  args: string[],
  env: Record<string, string | undefined>,
  options: {
    onStderr?: (chunk: string, kill: (signal?: NodeJS.Signals) => void) => void;
    timeoutMs?: number;
  } = {},
): Promise<CliProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...BLANK_USERSYNC_ENV,
        // Never the repository's .data: no dev webhook secret from there, nothing written there.
        DATA_DIR: join(tmpdir(), `usersync-cli-binary-${process.pid}`, 'pglite'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      options.onStderr?.(String(chunk), (signal = 'SIGKILL') => child.kill(signal));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
