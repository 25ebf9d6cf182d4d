import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root: the nearest folder at or above `from` holding pnpm-workspace.yaml, or null
 * outside a checkout (e.g. a deployed bundle). The one lookup the database default, `.env` loading,
 * the API's SPA folder and the test kit share.
 */
export function findRepoRoot(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
