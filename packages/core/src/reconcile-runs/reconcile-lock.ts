import { PGliteAdapter, sql } from 'kysely';
import type { Db } from '../db/create-database.ts';

// One reconcile at a time per database, whichever process (API replica or CLI) runs it: a session
// advisory lock held on one pinned connection for the whole run. Postgres releases it when that
// session ends, so a killed process never leaves the lock behind. PGlite is one connection in one
// process (its data folder is locked to it): there the in-process set is the whole lock, as pinning
// its only connection would stall every other query.
const LOCK_KEY = sql`hashtextextended('usersync:reconcile', 0)`;
const heldInProcess = new WeakSet<Db>();

export type LockedResult<T> = { acquired: true; value: T } | { acquired: false };

/** Runs `work` holding the reconcile lock; `{ acquired: false }` at once when another run holds it. */
export async function withReconcileLock<T>(db: Db, work: () => Promise<T>): Promise<LockedResult<T>> {
  if (heldInProcess.has(db)) return { acquired: false };
  heldInProcess.add(db);
  try {
    if (db.getExecutor().adapter instanceof PGliteAdapter) return { acquired: true, value: await work() };
    return await db.connection().execute(async (connection) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`.execute(connection);
      if (!rows[0]?.locked) return { acquired: false } as const;
      try {
        return { acquired: true, value: await work() } as const;
      } finally {
        await sql`SELECT pg_advisory_unlock(${LOCK_KEY})`.execute(connection).catch(() => {});
      }
    });
  } finally {
    heldInProcess.delete(db);
  }
}
