import { expect, it } from 'vitest';
import type { WebhookEventStatus } from '../db/schema.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { lastWebhookAt, listLatestWebhookEvents, pruneWebhookEvents } from './webhook-event.repository.ts';

const DAY = 86_400_000;

describeEachDatabase('webhook_events retention', (use) => {
  it('prunes old deliveries, keeps recent ones and, unless asked, invalid and failed ones', async () => {
    const { db } = use();
    const now = Date.now();
    const rows: Array<[string, WebhookEventStatus, number]> = [
      ['msg_old_applied', 'applied', 40],
      ['msg_old_stale', 'stale', 31],
      ['msg_old_invalid', 'invalid', 40],
      ['msg_old_failed', 'failed', 35],
      ['msg_new_applied', 'applied', 2],
      ['msg_new_invalid', 'invalid', 1],
    ];
    await db
      .insertInto('webhook_events')
      .values(
        rows.map(([svix_id, status, daysAgo]) => ({
          svix_id,
          status,
          type: 'user.updated',
          clerk_user_id: 'user_1',
          payload: null,
          error: null,
          processed_at: null,
          created_at: new Date(now - daysAgo * DAY),
        })),
      )
      .execute();
    const before = new Date(now - 30 * DAY);

    expect(await pruneWebhookEvents(db, { before, dryRun: true })).toBe(2);
    expect((await listLatestWebhookEvents(db, 100)).length).toBe(6);

    expect(await pruneWebhookEvents(db, { before })).toBe(2);
    const left = (await listLatestWebhookEvents(db, 100)).map((e) => e.svix_id).sort();
    expect(left).toEqual(['msg_new_applied', 'msg_new_invalid', 'msg_old_failed', 'msg_old_invalid']);

    expect(await pruneWebhookEvents(db, { before, includeProblems: true })).toBe(2);
    expect((await listLatestWebhookEvents(db, 100)).map((e) => e.svix_id).sort()).toEqual([
      'msg_new_applied',
      'msg_new_invalid',
    ]);
    expect((await lastWebhookAt(db))?.getTime()).toBe(now - DAY);
  });
});
