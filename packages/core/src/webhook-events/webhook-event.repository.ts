import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';
import { clampPageLimit, olderThanCursor, type Page, toPage } from '../db/keyset-page.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { WebhookEventRow, WebhookEventStatus } from '../db/schema.ts';
import { SETTLED_DELIVERY_STATUSES } from '../http-contract/lists.ts';
import { recordDeliveryFailuresFunction } from '../sql-functions.ts';
import { escapeLike } from '../users/user.repository.ts';

// The webhook_events table's one owner (docs/architecture.md, Tables): every write to it is here or in
// its SQL files (webhook-events/usersync_record_delivery_*.sql, called by the write path's rules).

const RECORD_DELIVERY_FAILURES: PreparedStatement = {
  name: 'usersync_record_delivery_failure',
  text: `SELECT ${recordDeliveryFailuresFunction.name}($1::jsonb, $2::text)`,
};

/** A delivery as webhook_events records it. */
export interface DeliveryToRecord {
  svix_id: string;
  source: string;
  type: string | null;
  clerk_user_id: string | null;
}

/**
 * Records deliveries as failed with one error, in one statement: a new row, or a row left invalid or
 * failed is overwritten; another outcome already recorded stays. A svix-id listed twice is recorded once.
 */
export async function recordDeliveryFailures(
  db: Db,
  deliveries: readonly DeliveryToRecord[],
  error: string,
): Promise<void> {
  const unique = new Map(deliveries.map((d) => [d.svix_id, d]));
  await runPrepared(db, RECORD_DELIVERY_FAILURES, [JSON.stringify([...unique.values()]), error]);
}

export async function findWebhookEvent(db: Db, svixId: string): Promise<WebhookEventRow | null> {
  return (
    (await db.selectFrom('webhook_events').selectAll().where('svix_id', '=', svixId).executeTakeFirst()) ??
    null
  );
}

export async function listLatestWebhookEvents(db: Db, limit = 10): Promise<WebhookEventRow[]> {
  return db
    .selectFrom('webhook_events')
    .selectAll()
    .where('source', '=', 'clerk')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function lastWebhookAt(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('webhook_events')
    .select('created_at')
    .where('source', '=', 'clerk')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.created_at ?? null;
}

export interface PruneWebhookEventsOptions {
  /** Deliveries recorded before this instant are removed. */
  before: Date;
  /** Also remove `invalid` and `failed` deliveries (kept by default: they are what an operator looks into). */
  includeProblems?: boolean;
  /** Count what would be removed, remove nothing. */
  dryRun?: boolean;
}

const PRUNE_BATCH = 5_000;

/**
 * Retention for the delivery log, which otherwise keeps every payload forever. Safe for correctness:
 * users carry their own ordering key and tombstones, so a pruned delivery redelivered later is still
 * answered duplicate or stale. Deletes in batches so a large backlog never holds one long lock.
 */
export async function pruneWebhookEvents(db: Db, options: PruneWebhookEventsOptions): Promise<number> {
  const matching = (qb: ReturnType<typeof selectPrunable>) =>
    options.includeProblems ? qb : qb.where('status', 'not in', ['invalid', 'failed']);
  function selectPrunable() {
    return db.selectFrom('webhook_events').where('created_at', '<', options.before);
  }
  if (options.dryRun) {
    const { count } = await matching(selectPrunable())
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }
  let removed = 0;
  for (;;) {
    const batch = matching(selectPrunable()).select('svix_id').limit(PRUNE_BATCH);
    const result = await db.deleteFrom('webhook_events').where('svix_id', 'in', batch).executeTakeFirst();
    const n = Number(result.numDeletedRows);
    removed += n;
    if (n < PRUNE_BATCH) return removed;
  }
}

export interface RedactExpiredPayloadsOptions {
  /** Settled deliveries recorded before this instant lose their payload's personal data. */
  before: Date;
  /** Count what would be redacted, change nothing. */
  dryRun?: boolean;
}

/** Outcomes that are final: the payload is no longer needed to apply the delivery again. */
const SETTLED_STATUSES = ['applied', 'duplicate', 'stale', 'ignored'] as const;

/**
 * WEBHOOK_PAYLOAD_RETENTION_DAYS (docs/privacy.md): the payloads of settled deliveries older than `before`
 * are cut down to ids (usersync_redacted_payload, the one shape, also used when a person is deleted); the
 * records stay. Failed and invalid deliveries keep theirs until they are settled or pruned: their payload
 * is what an operator replays. In batches, so a large backlog never holds one long lock.
 */
export async function redactExpiredPayloads(db: Db, options: RedactExpiredPayloadsOptions): Promise<number> {
  function expired() {
    return db
      .selectFrom('webhook_events')
      .where('created_at', '<', options.before)
      .where('status', 'in', SETTLED_STATUSES)
      .where('payload', 'is not', null)
      .where('payload_redacted_at', 'is', null);
  }
  if (options.dryRun) {
    const { count } = await expired()
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }
  let redacted = 0;
  for (;;) {
    const batch = expired().select('svix_id').limit(PRUNE_BATCH);
    const result = await db
      .updateTable('webhook_events')
      .set({
        payload: sql<string>`usersync_redacted_payload(payload)`,
        payload_redacted_at: sql<Date>`now()`,
      })
      .where('svix_id', 'in', batch)
      .executeTakeFirst();
    const n = Number(result.numUpdatedRows);
    redacted += n;
    if (n < PRUNE_BATCH) return redacted;
  }
}

/** A delivery without its payload: what lists show. */
export type WebhookEventSummary = Omit<WebhookEventRow, 'payload'>;

const SUMMARY_COLUMNS = [
  'svix_id',
  'source',
  'type',
  'clerk_user_id',
  'status',
  'error',
  'attempts',
  'created_at',
  'processed_at',
  'payload_redacted_at',
] as const;

export interface ListWebhookEventsOptions {
  status?: WebhookEventStatus;
  type?: string;
  clerkUserId?: string;
  /** svix-id or Clerk user id prefix, or text anywhere in the error or the payload (e.g. an email). */
  q?: string;
  limit?: number;
  /** The svix-id of the last row of the previous page. */
  cursor?: string;
}

/** Deliveries (and replays), newest first, keyset-paged by svix-id. */
export async function listWebhookEvents(
  db: Db,
  options: ListWebhookEventsOptions = {},
): Promise<Page<WebhookEventSummary>> {
  const limit = clampPageLimit(options.limit);
  let query = db
    .selectFrom('webhook_events')
    .select(SUMMARY_COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('svix_id', 'desc');
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  if (options.type !== undefined) query = query.where('type', '=', options.type);
  if (options.clerkUserId !== undefined) query = query.where('clerk_user_id', '=', options.clerkUserId);
  const q = options.q?.trim();
  if (q) {
    const prefix = `${escapeLike(q)}%`;
    const contains = `%${escapeLike(q.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([
        eb('svix_id', 'like', prefix),
        eb('clerk_user_id', 'like', prefix),
        eb(eb.fn('lower', ['error']), 'like', contains),
        eb(sql<string>`lower(payload::text)`, 'like', contains),
      ]),
    );
  }
  if (options.cursor !== undefined) {
    query = query.where(olderThanCursor('webhook_events', 'svix_id', options.cursor));
  }
  return toPage(await query.limit(limit + 1).execute(), limit, (row) => row.svix_id);
}

/** Deliveries from Clerk still failed or invalid: neither a redelivery nor a replay has applied them since. */
function unrecovered(db: Db) {
  return db
    .selectFrom('webhook_events as w')
    .where('w.source', '=', 'clerk')
    .where('w.status', 'in', ['failed', 'invalid'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_events as r')
            .select('r.svix_id')
            .where('r.source', '=', 'replay')
            .where('r.status', 'in', SETTLED_DELIVERY_STATUSES)
            .where(sql<boolean>`left(r.svix_id, length(w.svix_id) + 8) = 'replay:' || w.svix_id || ':'`),
        ),
      ),
    );
}

export interface DeliveryStats {
  /** Deliveries from Clerk since `since`, by status and type. */
  byStatusAndType: Array<{ status: WebhookEventStatus; type: string | null; count: number }>;
  /** The same per hour and status (hour = start of the hour). */
  perHour: Array<{ hour: Date; status: WebhookEventStatus; count: number }>;
  lastDeliveryAt: Date | null;
  unrecovered: { count: number; oldestAt: Date | null; latest: WebhookEventSummary[] };
  /** Clerk's event `timestamp` to processed, in ms, over deliveries processed since `lagSince`. */
  lag: { p50Ms: number | null; p95Ms: number | null; samples: number };
}

/** What the admin overview shows about deliveries. Five short queries; the lag one reads the last hour only. */
export async function readDeliveryStats(
  db: Db,
  options: { since: Date; lagSince: Date },
): Promise<DeliveryStats> {
  const recent = () =>
    db.selectFrom('webhook_events').where('source', '=', 'clerk').where('created_at', '>=', options.since);
  const [byStatusAndType, perHour, lastDeliveryAt, failures, latestFailures, lag] = await Promise.all([
    recent()
      .select(['status', 'type', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy(['status', 'type'])
      .orderBy('status')
      .orderBy('type')
      .execute(),
    recent()
      .select([
        sql<Date>`date_trunc('hour', created_at)`.as('hour'),
        'status',
        (eb) => eb.fn.countAll<string>().as('count'),
      ])
      .groupBy([sql`date_trunc('hour', created_at)`, 'status'])
      .orderBy('hour')
      .execute(),
    lastWebhookAt(db),
    unrecovered(db)
      .select([(eb) => eb.fn.countAll<string>().as('count'), (eb) => eb.fn.min('w.created_at').as('oldest')])
      .executeTakeFirstOrThrow(),
    unrecovered(db)
      .select(SUMMARY_COLUMNS.map((column) => `w.${column}` as const))
      .orderBy('w.created_at', 'desc')
      .limit(10)
      .execute(),
    sql<{ p50: number | string | null; p95: number | string | null; samples: string }>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY lag_ms) AS p95,
             count(*) AS samples
      FROM (
        SELECT extract(epoch FROM processed_at) * 1000 - (payload->>'timestamp')::numeric AS lag_ms
        FROM webhook_events
        -- created_at bounds the scan to the (source, created_at) index; processed_at picks the hour.
        WHERE source = 'clerk' AND created_at >= ${options.since} AND processed_at >= ${options.lagSince}
          AND jsonb_typeof(payload->'timestamp') = 'number'
      ) AS lags
    `.execute(db),
  ]);
  const lagRow = lag.rows[0];
  const ms = (value: number | string | null | undefined) =>
    value == null ? null : Math.round(Number(value));
  return {
    byStatusAndType: byStatusAndType.map((row) => ({ ...row, count: Number(row.count) })),
    perHour: perHour.map((row) => ({
      hour: new Date(row.hour),
      status: row.status,
      count: Number(row.count),
    })),
    lastDeliveryAt,
    unrecovered: {
      count: Number(failures.count),
      oldestAt: failures.oldest ? new Date(failures.oldest) : null,
      latest: latestFailures,
    },
    lag: { p50Ms: ms(lagRow?.p50), p95Ms: ms(lagRow?.p95), samples: Number(lagRow?.samples ?? 0) },
  };
}

/** The replays of one delivery (`usersync webhook replay` and the console record them as `replay:<svix-id>:…`). */
export async function listReplaysOf(db: Db, svixId: string): Promise<WebhookEventSummary[]> {
  return db
    .selectFrom('webhook_events')
    .select(SUMMARY_COLUMNS)
    .where('source', '=', 'replay')
    .where('svix_id', 'like', `replay:${escapeLike(svixId)}:%`)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
}
