import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/index.ts';
import { withReconcileLock } from './reconcile-lock.ts';

// The one-run-at-a-time lease (docs/decisions/151): a row with an expiry, renewed while the run works,
// so it holds through transaction poolers and a crashed run blocks the next one for one lease at most.

describeEachDatabase('the reconcile lease', (use) => {
  it('lets one run at a time hold it, and frees it when the run ends, also when it fails', async () => {
    const { db } = use();
    const inner = await withReconcileLock(db, () => withReconcileLock(db, async () => 'second'));
    expect(inner).toEqual({ acquired: true, value: { acquired: false } });
    await expect(
      withReconcileLock(db, async () => {
        throw new Error('the run failed');
      }),
    ).rejects.toThrow('the run failed');
    // Neither the finished nor the failed run blocks the next.
    expect(await withReconcileLock(db, async () => 'next')).toEqual({ acquired: true, value: 'next' });
    expect(await db.selectFrom('reconcile_lease').selectAll().execute()).toEqual([]);
  });

  it('a lease left by a crashed run blocks the next run until it expires, no longer', async () => {
    const { db } = use();
    // What a process killed mid-run leaves: its lease, never renewed again.
    await db
      .insertInto('reconcile_lease')
      .values({
        holder: 'crashed-host:4242:dead',
        acquired_at: sql`clock_timestamp()`,
        expires_at: sql`clock_timestamp() + interval '1.5 seconds'`,
      })
      .execute();
    expect(await withReconcileLock(db, async () => 'too early')).toEqual({ acquired: false });
    await sleep(1_600);
    expect(await withReconcileLock(db, async () => 'after the lease')).toEqual({
      acquired: true,
      value: 'after the lease',
    });
  });

  it("a lease whose holder was a process of this host that is gone is taken over at once; a live one's is not", async () => {
    const { db } = use();
    // A process that has exited: its pid names no process now.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const leave = (holder: string) =>
      db
        .insertInto('reconcile_lease')
        .values({
          holder,
          acquired_at: sql`clock_timestamp()`,
          expires_at: sql`clock_timestamp() + interval '1 hour'`,
        })
        .execute();
    await leave(`${hostname()}:${process.ppid}:alive`);
    expect(await withReconcileLock(db, async () => 'live holder')).toEqual({ acquired: false });
    await db.deleteFrom('reconcile_lease').execute();
    await leave(`${hostname()}:${gone.stdout}:dead`);
    expect(await withReconcileLock(db, async () => 'taken over')).toEqual({
      acquired: true,
      value: 'taken over',
    });
    expect(await db.selectFrom('reconcile_lease').selectAll().execute()).toEqual([]);
  });

  it('is renewed while a run works longer than the lease, and a run that lost it is told to stop', async () => {
    const { db } = use();
    const leaseMs = 600;
    const outcome = await withReconcileLock(
      db,
      async (lost) => {
        await sleep(leaseMs * 2.5);
        // Still held: another run is refused although the first lease term is long over.
        const other = await withReconcileLock(db, async () => 'other', { leaseMs });
        // Then another process takes it over (as after a stall longer than the lease).
        await db.updateTable('reconcile_lease').set({ holder: 'another-host:1:cafe' }).execute();
        const started = Date.now();
        while (!lost.aborted && Date.now() - started < leaseMs * 2) await sleep(20);
        return { other, lost: lost.aborted };
      },
      { leaseMs },
    );
    expect(outcome).toEqual({ acquired: true, value: { other: { acquired: false }, lost: true } });
    // The release removes only its own lease, not the one taken over.
    expect(await db.selectFrom('reconcile_lease').select('holder').execute()).toEqual([
      { holder: 'another-host:1:cafe' },
    ]);
  });
});
