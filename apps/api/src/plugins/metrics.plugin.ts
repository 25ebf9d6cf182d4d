import type { DecidedDeliveryStatus } from '@usersync/core/http-contract';
import type { PoolStats } from '@usersync/core/internal';
import { lastWebhookAt, latestFinishedRunPerKind } from '@usersync/core/internal';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What the app reports to Prometheus. The hot paths (a webhook delivery, a fallback sync) only bump
 * in-memory counters; everything read from the database (last delivery, last reconcile) is read when
 * Prometheus scrapes, so it is true across replicas and costs nothing per request.
 */
export interface SyncMetrics {
  readonly registry: Registry;
  /** A webhook delivery answered: its event type (null when unreadable) and outcome. */
  delivery(type: string | null, outcome: DeliveryOutcome, seconds: number, eventTimestampMs?: number): void;
  fallbackSync(outcome: FallbackSyncOutcome): void;
  clerkRequest(operation: string, status: number | null): void;
  reconcileRun(kind: string, status: string): void;
}

/** The write path's decisions, `failed` (our 5xx), and `rejected` (signature or headers). */
export type DeliveryOutcome = DecidedDeliveryStatus | 'failed' | 'rejected';

/** The fallback sync read Clerk: what came of it. */
export type FallbackSyncOutcome =
  | 'created'
  | 'updated'
  | 'existing'
  | 'gone'
  | 'invalid'
  | 'clerk_rate_limited'
  | 'clerk_unavailable';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: SyncMetrics;
  }
}

export interface MetricsPluginOptions {
  /** The database pool's connection counts (null: PGlite, no pool). */
  poolStats?: () => PoolStats | null;
}

// Event types become label values: bounded so a flood of odd types cannot grow the series without end.
const MAX_EVENT_TYPES = 64;

export default fp<MetricsPluginOptions>(
  async (fastify, options) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const { db } = fastify;

    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] });

    const deliveries = counter(
      'usersync_webhook_deliveries_total',
      'Clerk webhook deliveries answered, by event type and outcome',
      ['type', 'outcome'],
    );
    const processing = new Histogram({
      name: 'usersync_webhook_processing_seconds',
      help: 'Time from receiving a verified delivery to answering it',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const lag = new Histogram({
      name: 'usersync_webhook_lag_seconds',
      help: 'Time from Clerk emitting an event (its timestamp) to usersync applying it (Svix retries included)',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 7200, 21_600, 86_400],
      registers: [registry],
    });
    const fallbackSyncs = counter(
      'usersync_fallback_syncs_total',
      "Fallback syncs that read a user from Clerk's Backend API (a signed-in user without a row), by outcome",
      ['outcome'],
    );
    const clerkRequests = counter(
      'usersync_clerk_api_requests_total',
      "Clerk Backend API requests by operation and HTTP status ('network' when there was no answer)",
      ['operation', 'status'],
    );
    const reconcileRuns = counter(
      'usersync_reconcile_runs_total',
      'Scheduled reconcile runs this process ran, by kind and final status',
      ['kind', 'status'],
    );

    const poolStats = options.poolStats;
    if (poolStats && poolStats() !== null) {
      new Gauge({
        name: 'usersync_db_pool_connections',
        help: 'Database pool connections by state (in_use: checked out by a query or transaction)',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const stats = poolStats();
          if (!stats) return;
          this.set({ state: 'in_use' }, stats.total - stats.idle);
          this.set({ state: 'idle' }, stats.idle);
        },
      });
      new Gauge({
        name: 'usersync_db_pool_waiting',
        help: 'Queries waiting for a free database pool connection',
        registers: [registry],
        collect() {
          const stats = poolStats();
          if (stats) this.set(stats.waiting);
        },
      });
    }

    // Read from the database on scrape: every replica reports the same truth. A failed read keeps the
    // previous value (the database being down shows in /api/health and the pool gauges).
    new Gauge({
      name: 'usersync_last_webhook_delivery_timestamp_seconds',
      help: 'When the newest Clerk webhook delivery was received (any replica), Unix seconds; 0: never',
      registers: [registry],
      async collect() {
        const last = await lastWebhookAt(db).catch(() => undefined);
        if (last !== undefined) this.set(last ? last.getTime() / 1000 : 0);
      },
    });
    // Two gauges, one small query each: prom-client collects all metrics of a scrape concurrently.
    const lastRuns = () => latestFinishedRunPerKind(db).catch(() => []);
    new Gauge({
      name: 'usersync_last_reconcile_timestamp_seconds',
      help: 'When the newest finished reconcile run of each kind finished (CLI or scheduled), Unix seconds',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        for (const run of await lastRuns()) this.set({ kind: run.kind }, run.finished_at.getTime() / 1000);
      },
    });
    new Gauge({
      name: 'usersync_last_reconcile_drift_found',
      help: 'Differences between Clerk and the database found by the newest finished reconcile run of each kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        for (const run of await lastRuns()) this.set({ kind: run.kind }, run.drift_found);
      },
    });

    const seenTypes = new Set<string>();
    const typeLabel = (type: string | null): string => {
      if (type === null) return 'unknown';
      if (seenTypes.has(type)) return type;
      if (
        seenTypes.size >= MAX_EVENT_TYPES ||
        !/^[A-Za-z_]+(\.[A-Za-z_]+)+$/.test(type) ||
        type.length > 64
      ) {
        return 'other';
      }
      seenTypes.add(type);
      return type;
    };

    fastify.decorate('metrics', {
      registry,
      delivery(type, outcome, seconds, eventTimestampMs) {
        deliveries.inc({ type: typeLabel(type), outcome });
        if (outcome === 'rejected') return;
        processing.observe(seconds);
        if (outcome === 'applied' && eventTimestampMs !== undefined) {
          lag.observe(Math.max(0, (Date.now() - eventTimestampMs) / 1000));
        }
      },
      fallbackSync(outcome) {
        fallbackSyncs.inc({ outcome });
      },
      clerkRequest(operation, status) {
        clerkRequests.inc({ operation, status: status === null ? 'network' : String(status) });
      },
      reconcileRun(kind, status) {
        reconcileRuns.inc({ kind, status });
      },
    } satisfies SyncMetrics);
  },
  { name: 'metrics', fastify: '5.x', dependencies: ['database'] },
);
