import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '@usersync/core/internal';
import type { CliIo, CommandContext } from '../command-context.ts';
import { type CliConfig, readCliConfig } from '../env.ts';

// Fixtures for running a command in-process (captured output, a context over the test's database).
// The real binary, Clerk stand-ins and databases come from @usersync/testing.

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

/**
 * A CliConfig read by the real rules from an environment with nothing usable in it (no Clerk, a
 * database folder that is never opened, nothing listening on port 9), plus the test's overrides.
 */
export function testConfig(overrides: Partial<CliConfig> = {}): CliConfig {
  return {
    ...readCliConfig({
      // Never opened by these tests; `webhook send` keeps the users it sent beside it.
      DATA_DIR: join(tmpdir(), `usersync-cli-test-${process.pid}`, 'pglite'),
      CLERK_API_URL: 'http://127.0.0.1:9',
      PORT: '9',
    }),
    ...overrides,
  };
}

/** The config part that points the CLI at a Clerk Backend API (a stand-in) with this secret key. */
export function clerkAt(apiUrl: string, secretKey: string): Pick<CliConfig, 'clerk'> {
  return { clerk: { ...testConfig().clerk, secretKey, apiUrl } };
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
