import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';

// One reconcile at a time per database, whichever process (API replica or CLI) runs it: a lease, the
// one row of reconcile_lease, taken when free or expired and renewed while the run works. Not a session
// advisory lock: a transaction pooler (PgBouncer transaction mode, Supabase 6543, Neon -pooler) hands a
// server session to other clients and keeps it after its client is gone, so a session lock would be
// shared by strangers and outlive a crashed run. A crashed run blocks the next one until its lease
// expires, no longer (docs/decisions/151) — and not at all from its own machine: a lease whose holder
// was a process on this host that no longer exists is taken over at once (a killed CLI run, or the
// embedded database, whose data folder only one process can open).

/** How long a lease lasts unrenewed (RECONCILE_LEASE_SECONDS): what a crashed run can block others for. */
export const DEFAULT_RECONCILE_LEASE_MS = 60_000;

export type LockedResult<T> = { acquired: true; value: T } | { acquired: false };

export interface ReconcileLockOptions {
  leaseMs?: number;
}

/**
 * Runs `work` holding the reconcile lease; `{ acquired: false }` at once when another run holds it.
 * `work` gets a signal that aborts when the lease is lost (not renewed in time: the process stalled or
 * the database was unreachable for a whole lease, and another run may have taken it over): the run
 * must stop then, as reconcile does between pages.
 */
export async function withReconcileLock<T>(
  db: Db,
  work: (lost: AbortSignal) => Promise<T>,
  options: ReconcileLockOptions = {},
): Promise<LockedResult<T>> {
  const leaseMs = options.leaseMs ?? DEFAULT_RECONCILE_LEASE_MS;
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`.slice(-255);
  if (!(await takeLease(db, holder, leaseMs)) && !(await takeOverDeadLocalLease(db, holder, leaseMs)))
    return { acquired: false };
  const lost = new AbortController();
  let renewedAt = Date.now();
  // Renewed three times a lease: one or two failed renewals (a database blip) do not lose it.
  const timer = setInterval(() => {
    renewLease(db, holder, leaseMs).then(
      (held) => {
        if (held) renewedAt = Date.now();
        else lost.abort(new Error('the reconcile lease was taken over by another run'));
      },
      () => {
        if (Date.now() - renewedAt >= leaseMs)
          lost.abort(new Error('the reconcile lease could not be renewed'));
      },
    );
  }, leaseMs / 3);
  timer.unref();
  try {
    return { acquired: true, value: await work(lost.signal) };
  } finally {
    clearInterval(timer);
    // A release that fails leaves the lease to expire: the next run waits at most leaseMs.
    await db
      .deleteFrom('reconcile_lease')
      .where('holder', '=', holder)
      .execute()
      .catch(() => {});
  }
}

/** Takes the lease when there is none or it expired; one statement, so two runs cannot both take it. */
async function takeLease(db: Db, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await db
    .insertInto('reconcile_lease')
    .values({
      holder,
      acquired_at: sql`clock_timestamp()`,
      expires_at: sql`clock_timestamp() + make_interval(secs => ${leaseMs / 1000})`,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          acquired_at: eb.ref('excluded.acquired_at'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where('reconcile_lease.expires_at', '<', sql<Date>`clock_timestamp()`),
    )
    .returning('holder')
    .execute();
  return rows.length === 1;
}

/**
 * Takes the lease from a holder that was a process of this host and is gone (holder is
 * `host:pid:random`). One conditional update on the holder read, so two runs cannot both take it over.
 */
async function takeOverDeadLocalLease(db: Db, holder: string, leaseMs: number): Promise<boolean> {
  const current = await db.selectFrom('reconcile_lease').select('holder').executeTakeFirst();
  if (!current || !isDeadLocalHolder(current.holder)) return false;
  const result = await db
    .updateTable('reconcile_lease')
    .set({
      holder,
      acquired_at: sql`clock_timestamp()`,
      expires_at: sql`clock_timestamp() + make_interval(secs => ${leaseMs / 1000})`,
    })
    .where('holder', '=', current.holder)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

function isDeadLocalHolder(holder: string): boolean {
  const parts = holder.split(':');
  const pid = Number(parts.at(-2));
  if (parts.slice(0, -2).join(':') !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false; // alive (or its pid reused): wait for the lease
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Extends the lease; false when it is no longer this holder's. */
async function renewLease(db: Db, holder: string, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('reconcile_lease')
    .set({ expires_at: sql`clock_timestamp() + make_interval(secs => ${leaseMs / 1000})` })
    .where('holder', '=', holder)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
