import { isAbsolute, join, resolve } from 'node:path';
import { findRepoRoot } from './repo-root.ts';

// DATABASE_URL and DATA_DIR: which database the API and the CLI open (packages/core/src/db opens it).

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir?: string };

/**
 * A path from the configuration: absolute as is; relative to the repository root (found by walking up
 * to pnpm-workspace.yaml), so the API (run from apps/api), the CLI and `npm run dev` all mean the same
 * place whichever folder they run in.
 */
export function resolveRepoPath(path: string, from = process.cwd()): string {
  if (isAbsolute(path)) return path;
  return resolve(findRepoRoot(from) ?? resolve(from), path);
}

/** Where the embedded database lives: `DATA_DIR`, else `.data/pglite` at the repository root. */
export function resolveDataDir(dataDirEnv: string | undefined, from = process.cwd()): string {
  return resolveRepoPath(dataDirEnv || join('.data', 'pglite'), from);
}

/** `DATABASE_URL` set: that Postgres. Unset: the embedded PGlite database under `dataDir`. */
export function databaseConfigFromEnv(databaseUrl: string | undefined, dataDir: string): DatabaseConfig {
  return databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite', dataDir };
}
