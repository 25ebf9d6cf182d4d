import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';

/** Why /api/health says the sync is degraded; docs/observability.md explains each and what to do. */
export type SyncHealthReasonCode = 'deliveries_failed' | 'reconcile_drift' | 'webhooks_silent';

export interface SyncHealthReason {
  code: SyncHealthReasonCode;
  message: string;
}

export interface SyncHealth {
  status: 'ok' | 'degraded';
  reasons: SyncHealthReason[];
  /** The newest Clerk delivery received (read anyway; saves the caller a query). */
  lastDeliveryAt: Date | null;
}

export interface SyncHealthOptions {
  /** No delivery for longer than this, while users were created without one, is `webhooks_silent`. */
  staleAfterMs: number;
}

/** Deliveries that failed longer ago than this no longer count: Svix has retried them several times. */
export const FAILED_DELIVERY_WINDOW_MS = 60 * 60_000;
/** A user created a moment ago by the fallback sync usually gets its webhook seconds later. */
const MAX_WEBHOOK_GRACE_MS = 2 * 60_000;

/**
 * Whether webhooks keep the table in step, in one statement of index lookups (cheap enough for every
 * health probe):
 * - deliveries_failed: deliveries recorded failed or invalid in the last hour and not recovered since
 *   (a redelivery that succeeded rewrites the record; a reconcile run that started later repaired the
 *   users);
 * - reconcile_drift: the newest succeeded reconcile run found Clerk and the database apart;
 * - webhooks_silent: no delivery for longer than STALE_AFTER, while users were created since the last
 *   one by something else than a webhook (the fallback sync of a user signing in, or a reconcile).
 */
export async function readSyncHealth(db: Db, options: SyncHealthOptions): Promise<SyncHealth> {
  const staleAfter = `${Math.max(0, Math.round(options.staleAfterMs))} milliseconds`;
  const grace = `${Math.min(MAX_WEBHOOK_GRACE_MS, Math.max(0, Math.round(options.staleAfterMs)))} milliseconds`;
  const window = `${FAILED_DELIVERY_WINDOW_MS} milliseconds`;
  const { rows } = await sql<{
    failed: number;
    drift: number | null;
    last_delivery: Date | null;
    silent: boolean;
  }>`
    WITH last_delivery AS (
      SELECT max(created_at) AS at FROM webhook_events WHERE source = 'clerk'
    ), last_repair AS (
      SELECT max(started_at) AS at FROM reconcile_runs WHERE status = 'succeeded' AND NOT dry_run
    )
    SELECT
      (SELECT count(*)::int FROM webhook_events
        WHERE status IN ('failed', 'invalid') AND source = 'clerk'
          AND processed_at > now() - ${window}::interval
          AND processed_at > coalesce((SELECT at FROM last_repair), '-infinity')) AS failed,
      (SELECT drift_found FROM reconcile_runs WHERE status = 'succeeded'
        ORDER BY finished_at DESC NULLS LAST LIMIT 1) AS drift,
      (SELECT at FROM last_delivery) AS last_delivery,
      (coalesce((SELECT at FROM last_delivery), '-infinity') < now() - ${staleAfter}::interval
        AND EXISTS (SELECT 1 FROM users
          WHERE created_at > coalesce((SELECT at FROM last_delivery), '-infinity')
            AND created_at < now() - ${grace}::interval)) AS silent
  `.execute(db);
  const row = rows[0];
  const reasons: SyncHealthReason[] = [];
  if (row && row.failed > 0) {
    reasons.push({
      code: 'deliveries_failed',
      message: `${row.failed} webhook deliveries failed in the last hour and were not recovered (see webhook_events)`,
    });
  }
  if (row?.drift) {
    reasons.push({
      code: 'reconcile_drift',
      message: `the last reconcile run found ${row.drift} differences between Clerk and the database`,
    });
  }
  if (row?.silent) {
    reasons.push({
      code: 'webhooks_silent',
      message: `no webhook delivery ${row.last_delivery ? `since ${row.last_delivery.toISOString()}` : 'ever'}, yet users were created without one (fallback sync): check the Clerk webhook endpoint`,
    });
  }
  return {
    status: reasons.length === 0 ? 'ok' : 'degraded',
    reasons,
    lastDeliveryAt: row?.last_delivery ?? null,
  };
}
