import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleClerkUser } from '@usersync/core/clerk';
import type { Db } from '@usersync/core/db';
import type { FakeClerkBackendApi } from '@usersync/testing';
import type { CliIo, CommandContext } from '../command-context.ts';
import type { CliConfig } from '../env.ts';

export const BIN = fileURLToPath(new URL('../../bin/usersync.js', import.meta.url));

export interface CapturedIo extends CliIo {
  stdout(): string;
  stderr(): string;
  /** The confirmation questions asked so far. */
  questions(): string[];
}

/**
 * Output captured in memory. Not interactive unless `answers` are given: then each confirmation
 * question takes the next answer, and `questions()` lists what was asked.
 */
export function captureIo(answers?: boolean[]): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const pending = [...(answers ?? [])];
  return {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    isTTY: false,
    interactive: answers !== undefined,
    async confirm(question) {
      asked.push(question);
      const answer = pending.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return answer;
    },
    questions: () => asked,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}

export function testConfig(overrides: Partial<CliConfig> = {}): CliConfig {
  return {
    databaseUrl: undefined,
    // Never opened by these tests; `webhook send` keeps the users it sent beside it.
    dataDir: join(tmpdir(), `usersync-cli-test-${process.pid}`, 'pglite'),
    clerkSecretKey: undefined,
    clerkApiUrl: 'http://127.0.0.1:9',
    webhookSecret: undefined,
    webhookUrl: 'http://127.0.0.1:9/api/webhooks/clerk',
    defaultRole: 'member',
    deleteMode: 'soft',
    roles: ['member', 'admin'],
    ...overrides,
  };
}

/** A context over a database the test opened; the test closes it. */
export function testContext(
  db: Db,
  config: Partial<CliConfig> = {},
  io: CapturedIo = captureIo(),
): CommandContext & { io: CapturedIo } {
  return {
    config: testConfig(config),
    io,
    cwd: process.cwd(),
    database: async () => ({ db, description: 'test db' }),
  };
}

/**
 * Fills the Backend API stand-in with `count` Clerk-shaped users, oldest first, with distinct
 * creation and update times (what `+created_at` paging and the ordering guard look at).
 */
export function addClerkUsers(
  api: FakeClerkBackendApi,
  count: number,
  options: { prefix?: string; start?: number } = {},
): Array<Record<string, unknown>> {
  const prefix = options.prefix ?? 'user_bulk';
  const start = options.start ?? 1_700_000_000_000;
  const users: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * 1000;
    const user = sampleClerkUser({
      id: `${prefix}${String(i).padStart(6, '0')}`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      createdAt: at,
      updatedAt: at + 500,
      lastSignInAt: i % 3 === 0 ? null : at + 700,
    });
    api.users.set(user.id as string, user);
    users.push(user);
  }
  return users;
}

export interface BinaryResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `usersync` binary. `env` replaces the inherited Clerk/database variables so the
 * developer's .env cannot leak in (the binary loads .env only for variables not set).
 */
export function runBinary(
  args: string[],
  env: Record<string, string | undefined>,
  options: {
    onStderr?: (chunk: string, kill: (signal?: NodeJS.Signals) => void) => void;
    timeoutMs?: number;
  } = {},
): Promise<BinaryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: '',
        // Never the repository's .data: no dev webhook secret from there, nothing written there.
        DATA_DIR: join(tmpdir(), `usersync-cli-binary-${process.pid}`, 'pglite'),
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
