import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ThrowawayPostgres } from '@usersync/testing/database';
import type { MachineDescription } from './machine.ts';

export interface BenchContext {
  /** The benchmarks' PostgreSQL (fsync off); each benchmark creates its own databases in it. */
  postgres: ThrowawayPostgres;
  machine: MachineDescription;
  /** Smaller counts, for trying the harness (BENCH_QUICK=1). */
  quick: boolean;
}

export const execFileAsync = promisify(execFile);

/** Runs a TypeScript file of this package as its own Node process; returns its last stdout line as JSON. */
export async function runNodeProcess<T>(file: string, config: unknown, timeoutMs: number): Promise<T> {
  const arg = typeof config === 'string' ? config : JSON.stringify(config);
  const { stdout } = await execFileAsync(process.execPath, [file, arg], {
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}
