import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/src/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = join(REPO_ROOT, 'bench');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** Scratch space for API logs and generated scripts (git-ignored). */
export function scratchDir(): string {
  const dir = join(BENCH_DIR, '.tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}
