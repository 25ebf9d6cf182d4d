import { describeEachDatabase } from '@usersync/testing/database';
import { expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { captureIo, testContext } from '../testing/command-fixtures.ts';

const DAY = 86_400_000;

describeEachDatabase('usersync webhook prune', (use) => {
  it('dry-runs, then deletes deliveries older than --older-than, keeping invalid ones', async () => {
    const { db } = use();
    const now = Date.now();
    await db
      .insertInto('webhook_events')
      .values(
        (
          [
            ['msg_a', 'applied', 60],
            ['msg_b', 'duplicate', 45],
            ['msg_c', 'invalid', 60],
            ['msg_d', 'applied', 3],
          ] as const
        ).map(([svix_id, status, days]) => ({
          svix_id,
          status,
          type: 'user.created',
          clerk_user_id: 'user_x',
          payload: null,
          error: null,
          processed_at: null,
          created_at: new Date(now - days * DAY),
        })),
      )
      .execute();

    const dry = testContext(db);
    expect(await runCli(['webhook', 'prune', '--older-than', '30', '--dry-run'], dry)).toBe(EXIT.ok);
    expect(dry.io.stdout()).toMatch(/Would delete 2 deliveries .*Nothing deleted\./);

    const json = testContext(db);
    expect(await runCli(['webhook', 'prune', '--older-than', '30', '--json'], json)).toBe(EXIT.ok);
    expect(JSON.parse(json.io.stdout())).toMatchObject({ dryRun: false, count: 2 });
    const left = await db.selectFrom('webhook_events').select('svix_id').orderBy('svix_id').execute();
    expect(left.map((r) => r.svix_id)).toEqual(['msg_c', 'msg_d']);

    // --include-problems deletes the only record of what went wrong: asked first, refused unattended.
    const unattended = testContext(db);
    expect(await runCli(['webhook', 'prune', '--older-than', '30', '--include-problems'], unattended)).toBe(
      EXIT.refused,
    );
    expect(unattended.io.stderr()).toMatch(/Deleting 1 deliveries .* Add --yes/);
    const declined = testContext(db, {}, captureIo([false]));
    expect(await runCli(['webhook', 'prune', '--older-than', '30', '--include-problems'], declined)).toBe(
      EXIT.refused,
    );
    const kept = await db.selectFrom('webhook_events').select('svix_id').orderBy('svix_id').execute();
    expect(kept.map((r) => r.svix_id)).toEqual(['msg_c', 'msg_d']);
    const confirmed = testContext(db);
    expect(
      await runCli(['webhook', 'prune', '--older-than', '30', '--include-problems', '--yes'], confirmed),
    ).toBe(EXIT.ok);
    const rest = await db.selectFrom('webhook_events').select('svix_id').orderBy('svix_id').execute();
    expect(rest.map((r) => r.svix_id)).toEqual(['msg_d']);

    const tooShort = testContext(db);
    expect(await runCli(['webhook', 'prune', '--older-than', '0'], tooShort)).toBe(EXIT.usage);
    expect(tooShort.io.stderr()).toContain('at least 1 day');
  });
});
