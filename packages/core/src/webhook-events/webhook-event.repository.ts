import type { Db } from '../db/create-database.ts';
import type { WebhookEventRow } from '../db/schema.ts';

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
