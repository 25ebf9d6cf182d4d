import { CompiledQuery } from 'kysely';
import type { Db } from './create-database.ts';

/**
 * A statement of the hot write path: fixed SQL text under a fixed name. On node-postgres it runs as a
 * named prepared statement (parsed and planned once per connection, then only bound and executed), and
 * no Kysely query is built or compiled per call (docs/decisions/070).
 */
export interface PreparedStatement {
  /** Unique per text: node-postgres refuses one name for two texts on a connection. */
  readonly name: string;
  readonly text: string;
}

type Row = Record<string, unknown>;
export type StatementRunner = (statement: PreparedStatement, values: unknown[]) => Promise<Row[]>;

// Filled by createDatabase: the driver underneath each Kysely instance it builds.
const runners = new WeakMap<Db, StatementRunner>();

export function registerStatementRunner(db: Db, runner: StatementRunner): void {
  runners.set(db, runner);
}

/**
 * Runs a prepared statement in one round trip. A `db` that createDatabase did not build (a Kysely
 * transaction, another dialect) runs the same text through Kysely as a raw query.
 */
export async function runPrepared<R extends Row>(
  db: Db,
  statement: PreparedStatement,
  values: unknown[],
): Promise<R[]> {
  const runner = runners.get(db);
  if (runner) return (await runner(statement, values)) as R[];
  return (await db.executeQuery<R>(CompiledQuery.raw(statement.text, values))).rows as R[];
}
