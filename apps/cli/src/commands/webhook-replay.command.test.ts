import {
  applyClerkEvent,
  findUserByClerkId,
  lastWebhookAt,
  sampleClerkEvent,
  sampleClerkUser,
} from '@usersync/core/internal';
import { describeEachDatabase } from '@usersync/testing/database';
import { expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { testContext } from '../testing/command-fixtures.ts';

describeEachDatabase('usersync webhook replay', (use) => {
  it('re-applies a recorded delivery after the row was lost, under a derived svix-id', async () => {
    const { db } = use();
    const user = sampleClerkUser({ id: 'user_replay1', email: 'replay@example.com', firstName: 'Rita' });
    const first = await applyClerkEvent(db, {
      svixId: 'msg_replay1',
      body: JSON.stringify(sampleClerkEvent('user.created', user)),
    });
    expect(first.status).toBe('applied');
    const lastFromClerk = await lastWebhookAt(db);
    // A bad restore or a bug lost the row; the delivery is still recorded.
    await db.deleteFrom('users').where('clerk_id', '=', 'user_replay1').execute();

    const ctx = testContext(db);
    expect(await runCli(['webhook', 'replay', 'msg_replay1'], ctx)).toBe(EXIT.ok);
    expect(ctx.io.stdout()).toContain('Result: applied');
    expect(await findUserByClerkId(db, 'user_replay1')).toMatchObject({
      first_name: 'Rita',
      email: 'replay@example.com',
    });

    const replays = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('source', '=', 'replay')
      .execute();
    expect(replays).toHaveLength(1);
    expect(replays[0]).toMatchObject({
      status: 'applied',
      type: 'user.created',
      clerk_user_id: 'user_replay1',
    });
    expect(replays[0]!.svix_id).toMatch(/^replay:msg_replay1:/);
    // The original record is untouched, and a replay is not a sign of life from Clerk.
    expect(
      await db
        .selectFrom('webhook_events')
        .select('status')
        .where('svix_id', '=', 'msg_replay1')
        .executeTakeFirst(),
    ).toEqual({
      status: 'applied',
    });
    expect(await lastWebhookAt(db)).toEqual(lastFromClerk);
  });

  it('a second replay goes through the ordering guard: the same version is a duplicate, nothing changes', async () => {
    const { db } = use();
    const before = await findUserByClerkId(db, 'user_replay1');
    const ctx = testContext(db);
    expect(await runCli(['webhook', 'replay', 'msg_replay1', '--json'], ctx)).toBe(EXIT.ok);
    expect(JSON.parse(ctx.io.stdout())).toMatchObject({
      replayOf: 'msg_replay1',
      status: 'duplicate',
      reason: 'this version of the user is already stored',
    });
    expect(await findUserByClerkId(db, 'user_replay1')).toEqual(before);
  });

  it('replaying an old update never overwrites a newer version', async () => {
    const { db } = use();
    const v1 = sampleClerkUser({ id: 'user_replay2', firstName: 'Old', updatedAt: 1_700_000_000_000 });
    await applyClerkEvent(db, {
      svixId: 'msg_old',
      body: JSON.stringify(sampleClerkEvent('user.updated', v1)),
    });
    const v2 = { ...v1, first_name: 'New', updated_at: 1_700_000_100_000 };
    await applyClerkEvent(db, {
      svixId: 'msg_new',
      body: JSON.stringify(sampleClerkEvent('user.updated', v2)),
    });
    const ctx = testContext(db);
    expect(await runCli(['webhook', 'replay', 'msg_old'], ctx)).toBe(EXIT.ok);
    expect(ctx.io.stdout()).toContain('Result: stale');
    expect((await findUserByClerkId(db, 'user_replay2'))?.first_name).toBe('New');
  });

  it('replays a deletion', async () => {
    const { db } = use();
    const user = sampleClerkUser({ id: 'user_replay3' });
    await applyClerkEvent(db, {
      svixId: 'msg_c3',
      body: JSON.stringify(sampleClerkEvent('user.created', user)),
    });
    await applyClerkEvent(db, {
      svixId: 'msg_d3',
      body: JSON.stringify(sampleClerkEvent('user.deleted', user)),
    });
    // Lost in a restore: the row came back active and the tombstone is gone.
    await db.deleteFrom('user_tombstones').where('clerk_id', '=', 'user_replay3').execute();
    await db
      .updateTable('users')
      .set({ is_active: true, deleted_at: null })
      .where('clerk_id', '=', 'user_replay3')
      .execute();
    expect(await runCli(['webhook', 'replay', 'msg_d3'], testContext(db))).toBe(EXIT.ok);
    expect(await findUserByClerkId(db, 'user_replay3')).toMatchObject({
      is_active: false,
      deleted_at: expect.any(Date),
    });
  });

  it('exits 4 for an unknown svix-id and 1 for a delivery recorded without its payload', async () => {
    const { db } = use();
    const unknown = testContext(db);
    expect(await runCli(['webhook', 'replay', 'msg_never_seen'], unknown)).toBe(EXIT.notFound);
    expect(unknown.io.stderr()).toContain('no webhook delivery with svix-id msg_never_seen');
    await db
      .insertInto('webhook_events')
      .values({ svix_id: 'msg_failed', status: 'failed', error: 'database down', payload: null })
      .execute();
    const failed = testContext(db);
    expect(await runCli(['webhook', 'replay', 'msg_failed'], failed)).toBe(EXIT.failure);
    expect(failed.io.stderr()).toContain('recorded without its payload');
  });
});
