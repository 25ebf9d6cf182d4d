import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.ts';

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
        DATABASE_URL: '',
        DATA_DIR: '',
        CLERK_SECRET_KEY: '',
        CLERK_API_URL: '',
        CLERK_WEBHOOK_SIGNING_SECRET: '',
        CLERK_WEBHOOK_SECRET: '',
        ...env,
      } as NodeJS.ProcessEnv,
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
