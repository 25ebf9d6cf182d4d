import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { SqlFunction } from '../db/sql-function.ts';
import { SQL_FUNCTIONS, SQL_FUNCTIONS_ROOT } from '../sql-functions.ts';

// The second half of the migration runner (docs/decisions/140), like Flyway's repeatable migrations:
// after the table migrations, every SQL function file whose checksum differs from the one recorded in
// usersync_sql_functions is installed again, in SQL_FUNCTIONS' order, in the migration transaction and
// under its lock (migrations/index.ts). A usersync_ function that no file defines any more is dropped.

/** The runner's own bookkeeping, like Kysely's kysely_migration table (created by the runner). */
const TRACKING_TABLE = 'usersync_sql_functions';

/** pg_proc p's function lives where an unqualified function definition puts it: the first schema of search_path. */
const IN_CURRENT_SCHEMA = sql`p.pronamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = current_schema())`;

export interface SqlFunctionFile {
  name: string;
  /** Its path relative to packages/core/src (or the build beside it): `sync/usersync_….sql`. */
  path: string;
  text: string;
  checksum: string;
}

/** The files as they are now (read at every run: a file edited under a running process counts). */
export function readSqlFunctionFiles(functions: readonly SqlFunction[] = SQL_FUNCTIONS): SqlFunctionFile[] {
  return functions.map((fn) => {
    const text = readFileSync(fileURLToPath(fn.file), 'utf8');
    return {
      name: fn.name,
      path: relative(fileURLToPath(SQL_FUNCTIONS_ROOT), fileURLToPath(fn.file)).split('\\').join('/'),
      text,
      checksum: createHash('sha256').update(text).digest('hex'),
    };
  });
}

interface Installed {
  name: string;
  checksum: string;
  installed_at: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: the runner works on any schema.
async function readInstalled(db: Kysely<any>): Promise<Map<string, Installed> | null> {
  const { rows } = await sql<{ exists: boolean }>`
    SELECT to_regclass(${TRACKING_TABLE}) IS NOT NULL AS exists
  `.execute(db);
  if (!rows[0]?.exists) return null;
  const installed = await sql<Installed>`
    SELECT name, checksum, installed_at FROM ${sql.table(TRACKING_TABLE)}
  `.execute(db);
  return new Map(installed.rows.map((r) => [r.name, r]));
}

export interface SqlFunctionStatus {
  /** The file, relative to packages/core/src: `sync/usersync_….sql`. */
  name: string;
  /** When this version of the file was installed; null: pending (new or changed since). */
  appliedAt: Date | null;
}

/** Each file, installed (its current checksum recorded) or pending. */
// biome-ignore lint/suspicious/noExplicitAny: the runner works on any schema.
export async function sqlFunctionStatus(db: Kysely<any>): Promise<SqlFunctionStatus[]> {
  const installed = await readInstalled(db);
  return readSqlFunctionFiles().map((file) => {
    const row = installed?.get(file.name);
    return { name: file.path, appliedAt: row && row.checksum === file.checksum ? row.installed_at : null };
  });
}

/**
 * Installs the files whose checksum changed (all of them with `reinstallAll`: a table migration that
 * ran may have replaced or dropped functions), drops usersync_ functions no file defines, and records
 * the checksums. Runs inside the caller's transaction, under the migration lock. Returns the paths of
 * the files that were new or changed.
 */
export async function installSqlFunctions(
  // biome-ignore lint/suspicious/noExplicitAny: the runner works on any schema.
  trx: Transaction<any>,
  options: { reinstallAll: boolean; functions?: readonly SqlFunction[] },
): Promise<string[]> {
  await sql`
    CREATE TABLE IF NOT EXISTS ${sql.table(TRACKING_TABLE)} (
      name         text PRIMARY KEY,
      checksum     text NOT NULL,
      installed_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(trx);
  const installed = (await readInstalled(trx)) ?? new Map<string, Installed>();
  const files = readSqlFunctionFiles(options.functions);
  const changed = files.filter((f) => installed.get(f.name)?.checksum !== f.checksum);
  for (const file of options.reinstallAll ? files : changed) await installFile(trx, file);

  // Functions an earlier migration or file created that no file defines any more.
  const names = JSON.stringify(files.map((f) => f.name));
  const orphans = await sql<{ signature: string }>`
    SELECT p.oid::regprocedure::text AS signature
    FROM pg_proc p
    WHERE ${IN_CURRENT_SCHEMA} AND p.proname LIKE 'usersync\\_%'
      AND p.proname NOT IN (SELECT jsonb_array_elements_text(${names}::jsonb))
  `.execute(trx);
  for (const orphan of orphans.rows) await sql`DROP FUNCTION ${sql.raw(orphan.signature)}`.execute(trx);
  await sql`DELETE FROM ${sql.table(TRACKING_TABLE)} WHERE name NOT IN (SELECT jsonb_array_elements_text(${names}::jsonb))`.execute(
    trx,
  );

  for (const file of changed) {
    await sql`
      INSERT INTO ${sql.table(TRACKING_TABLE)} (name, checksum, installed_at)
      VALUES (${file.name}, ${file.checksum}, now())
      ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, installed_at = excluded.installed_at
    `.execute(trx);
  }
  return changed.map((f) => f.path);
}

// biome-ignore lint/suspicious/noExplicitAny: the runner works on any schema.
async function installFile(trx: Transaction<any>, file: SqlFunctionFile): Promise<void> {
  // CREATE OR REPLACE keeps the function (and what depends on it: triggers); when the file changed the
  // result type or an argument's name, PostgreSQL refuses (42P13) and the old one is dropped first.
  const before = await functionsNamed(trx, file.name);
  await sql`SAVEPOINT usersync_sql_function`.execute(trx);
  try {
    await sql.raw(file.text).execute(trx);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42P13') throw fileFailed(file, error);
    await sql`ROLLBACK TO SAVEPOINT usersync_sql_function`.execute(trx);
    for (const fn of before) await sql`DROP FUNCTION ${sql.raw(fn.signature)}`.execute(trx);
    try {
      await sql.raw(file.text).execute(trx);
    } catch (retryError) {
      throw fileFailed(file, retryError);
    }
  }
  await sql`RELEASE SAVEPOINT usersync_sql_function`.execute(trx);
  // A file whose argument types changed created a second function of that name: the old one goes.
  const after = await functionsNamed(trx, file.name);
  const known = new Set(before.map((fn) => fn.oid));
  if (after.some((fn) => !known.has(fn.oid))) {
    for (const fn of after) {
      if (known.has(fn.oid)) await sql`DROP FUNCTION ${sql.raw(fn.signature)}`.execute(trx);
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the runner works on any schema.
async function functionsNamed(trx: Transaction<any>, name: string) {
  const { rows } = await sql<{ oid: string; signature: string }>`
    SELECT p.oid::text AS oid, p.oid::regprocedure::text AS signature
    FROM pg_proc p
    WHERE ${IN_CURRENT_SCHEMA} AND p.proname = ${name}
  `.execute(trx);
  return rows;
}

function fileFailed(file: SqlFunctionFile, cause: unknown): Error {
  return new Error(
    `SQL function file ${file.path} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}
