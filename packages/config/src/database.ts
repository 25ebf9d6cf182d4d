import { isAbsolute, join, resolve } from 'node:path';
import { findRepoRoot } from './repo-root.ts';

// DATABASE_URL and DATA_DIR: which database the API and the CLI open (packages/core/src/db opens it).

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize?: number; poolMode?: PoolMode }
  | { kind: 'pglite'; dataDir?: string };

/**
 * How DATABASE_URL's connections behave (DATABASE_POOL_MODE). `session`: each client connection is one
 * server session (PostgreSQL itself, PgBouncer in session mode, Supabase's port 5432). `transaction`: a
 * pooler hands the server connection to another client after every transaction (PgBouncer
 * `pool_mode = transaction`, Supabase's port 6543, Neon's `-pooler` host): no named prepared
 * statement may be left there (docs/decisions/150).
 */
export type PoolMode = 'session' | 'transaction';

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
