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
