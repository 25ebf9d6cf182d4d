import {
  clerkBackendUserSource,
  clerkRateLimit,
  describeClerkError,
  resolveSince,
  runRecordedReconcile,
  scheduledRunStartedSince,
} from '@usersync/core/internal';
import fp from 'fastify-plugin';
import type { AppConfig, ReconcileScheduleEntry } from '../config.ts';
import { describeReconcileSchedule } from './reconcile-schedule.ts';

export interface ReconcileSchedulerOptions {
  reconcile: AppConfig['reconcile'];
  clerk: AppConfig['clerk'];
  sync: AppConfig['sync'];
  leaseMs?: number;
}

/**
 * Scheduled reconcile inside the API (RECONCILE_SCHEDULE), docs/observability.md:
 * - Slots are aligned to the clock (every 15 m: :00, :15, ...), so every replica wakes for the same slot;
 *   the reconcile lock lets one run at a time (across replicas and the CLI), and a slot another replica
 *   already started is skipped, so each slot runs once. A slot that finds a run still going is skipped:
 *   runs never overlap.
 * - Incremental runs start at the last watermark (`--since last`); with none yet, at the beginning.
 *   Full runs apply too (never deactivating: that stays an operator decision) under the wrong-instance guard.
 * - Clerk's rate limit: at most RECONCILE_RATE_LIMIT requests per 10 s (default half of the instance's
 *   limit, from the key: sk_live_ 1,000 / 10 s, sk_test_ 100 / 10 s); a 429 waits for its Retry-After.
 * - On close (SIGTERM), the run in progress stops after the page it is writing and is recorded
 *   `interrupted`; the close waits for that.
 */
export default fp<ReconcileSchedulerOptions>(
  async (fastify, options) => {
    const { schedule } = options.reconcile;
    const secretKey = options.clerk.secretKey;
    if (schedule.length === 0 || !secretKey) return;
    const { db, log } = fastify;
    const requestsPer10s = options.reconcile.requestsPer10s ?? clerkRateLimit(secretKey).reconcileShare;
    const stopping = new AbortController();
    const timers = new Set<NodeJS.Timeout>();
    let running: Promise<void> | null = null;

    async function runSlot(entry: ReconcileScheduleEntry, slotStart: number): Promise<void> {
      // A replica whose clock runs a little behind still sees the run another started for this slot.
      const skew = Math.min(entry.everyMs / 4, 60_000);
      const started = Date.now();
      try {
        const result = await runRecordedReconcile(
          db,
          (since) =>
            clerkBackendUserSource({
              secretKey: secretKey as string,
              apiUrl: options.clerk.apiUrl,
              pageSize: options.reconcile.pageSize,
              since: since ?? undefined,
              requestsPer10s,
              onRequest: ({ operation, status }) => fastify.metrics.clerkRequest(operation, status),
              onRetry: ({ status, waitMs }) =>
                log.warn(
                  { clerkStatus: status, waitMs },
                  'scheduled reconcile: Clerk asked us to wait; retrying',
                ),
            }),
          {
            trigger: 'schedule',
            kind: entry.kind,
            since: async (database) => (await resolveSince(database, { kind: 'last' })) ?? new Date(0),
            apply: true,
            ...options.sync,
            signal: stopping.signal,
            leaseMs: options.leaseMs,
            shouldRun: async (database) =>
              !(await scheduledRunStartedSince(database, entry.kind, new Date(slotStart - skew))),
          },
        );
        if (result.outcome !== 'ran') {
          log.debug(
            { kind: entry.kind, outcome: result.outcome },
            'scheduled reconcile: slot served elsewhere',
          );
          return;
        }
        const { run } = result;
        fastify.metrics.reconcileRun(run.kind, run.status);
        log.info(
          {
            reconcileRunId: run.id,
            kind: run.kind,
            status: run.status,
            usersRead: run.users_read,
            driftFound: run.drift_found,
            durationMs: Date.now() - started,
          },
          run.drift_found > 0
            ? 'scheduled reconcile found drift (repaired): webhooks missed changes'
            : 'scheduled reconcile: in step with Clerk',
        );
      } catch (error) {
        const interrupted = stopping.signal.aborted;
        fastify.metrics.reconcileRun(entry.kind, interrupted ? 'interrupted' : 'failed');
        if (interrupted) log.info({ kind: entry.kind }, 'scheduled reconcile interrupted by shutdown');
        else {
          log.error(
            { kind: entry.kind, err: describeClerkError(error) ?? error },
            'scheduled reconcile failed; the next slot tries again',
          );
        }
      }
    }

    // A full slot that finds this process busy (e.g. its incremental slot fell on the same minute)
    // runs right after, instead of waiting a whole day; a busy incremental slot is simply skipped.
    let pendingFull: { entry: ReconcileScheduleEntry; slotStart: number } | null = null;

    function start(entry: ReconcileScheduleEntry, slotStart: number): void {
      if (running) {
        if (entry.kind === 'full') pendingFull = { entry, slotStart };
        else log.info({ kind: entry.kind }, 'scheduled reconcile: previous run still going; slot skipped');
        return;
      }
      running = runSlot(entry, slotStart).finally(() => {
        running = null;
        const next = pendingFull;
        pendingFull = null;
        if (next && !stopping.signal.aborted) start(next.entry, next.slotStart);
      });
    }

    function plan(entry: ReconcileScheduleEntry): void {
      if (stopping.signal.aborted) return;
      const now = Date.now();
      const nextSlot = (Math.floor(now / entry.everyMs) + 1) * entry.everyMs;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          start(entry, Math.floor(Date.now() / entry.everyMs) * entry.everyMs);
          plan(entry);
          // A few ms past the boundary, so the slot computed inside is this one.
        },
        nextSlot - now + 5,
      );
      timers.add(timer);
    }

    fastify.addHook('onReady', async () => {
      log.info(
        { schedule: describeReconcileSchedule(schedule), requestsPer10s },
        'scheduled reconcile on (one replica runs each slot)',
      );
      for (const entry of schedule) plan(entry);
    });
    fastify.addHook('onClose', async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stopping.abort();
      // A pending full run may start as the current one ends: wait for whichever is last.
      while (running) await running;
    });
  },
  { name: 'reconcile-scheduler', fastify: '5.x', dependencies: ['database', 'metrics'] },
);
