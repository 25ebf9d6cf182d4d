import {
  createDatabase,
  findUserByClerkId,
  listInvitations,
  sampleClerkUser,
  syncUserFromClerk,
} from '@usersync/core/internal';
import { describeEachDatabase } from '@usersync/testing/database';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { captureIo, testContext } from '../testing/command-fixtures.ts';

describeEachDatabase('usersync invite and users', (use) => {
  it('invite pre-provisions a role that the first sync of that verified email claims', async () => {
    const { db } = use();
    const ctx = testContext(db);
    expect(
      await runCli(['invite', 'Grace@Example.com', '--role', 'admin', '--data', '{"team":"core"}'], ctx),
    ).toBe(EXIT.ok);
    expect(ctx.io.stdout()).toContain('Invited grace@example.com as admin.');
    const list = testContext(db);
    expect(await runCli(['invite', 'list'], list)).toBe(EXIT.ok);
    expect(list.io.stdout()).toMatch(/grace@example\.com\s+admin/);

    const { user } = await syncUserFromClerk(
      db,
      sampleClerkUser({ id: 'user_grace', email: 'grace@example.com' }),
    );
    expect(user).toMatchObject({ role: 'admin', app_metadata: { team: 'core' } });
    const open = testContext(db);
    await runCli(['invite', 'list', '--json'], open);
    expect(JSON.parse(open.io.stdout())).toEqual({ total: 0, invitations: [] });
    const all = testContext(db);
    await runCli(['invite', 'list', '--all', '--json'], all);
    expect(JSON.parse(all.io.stdout())).toMatchObject({
      total: 1,
      invitations: [{ email: 'grace@example.com', claimed_by_user_id: user!.id }],
    });
  });

  it('invite refuses a malformed email or data with exit 2', async () => {
    const { db } = use();
    const bad = testContext(db);
    expect(await runCli(['invite', 'not-an-email', '--role', 'admin'], bad)).toBe(EXIT.usage);
    expect(bad.io.stderr()).toContain('not an email address');
    const badData = testContext(db);
    expect(await runCli(['invite', 'a@example.com', '--role', 'x', '--data', '[1]'], badData)).toBe(
      EXIT.usage,
    );
    expect(badData.io.stderr()).toContain('--data must be a JSON object');
  });

  it('users show finds a user by uuid, Clerk id or email; users list lists them', async () => {
    const { db } = use();
    const { user } = await syncUserFromClerk(
      db,
      sampleClerkUser({ id: 'user_ada', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' }),
    );
    for (const ref of [user!.id, 'user_ada', 'ADA@example.com']) {
      const ctx = testContext(db);
      expect(await runCli(['users', 'show', ref], ctx), ref).toBe(EXIT.ok);
      expect(ctx.io.stdout()).toMatch(new RegExp(`^id\\s+${user!.id}$`, 'm'));
      expect(ctx.io.stdout()).toMatch(/^name\s+Ada Lovelace$/m);
      expect(ctx.io.stdout()).toMatch(/^theme\s+system$/m);
    }
    const json = testContext(db);
    await runCli(['users', 'show', 'user_ada', '--json'], json);
    expect(JSON.parse(json.io.stdout())).toMatchObject({
      clerk_id: 'user_ada',
      settings: { theme: 'system' },
    });

    const list = testContext(db);
    expect(await runCli(['users', 'list', '--limit', '10'], list)).toBe(EXIT.ok);
    expect(list.io.stdout()).toMatch(/user_ada\s+ada@example\.com\s+Ada Lovelace\s+member\s+active/);
    expect(list.io.stdout()).toContain('2 of 2 active users');

    // Paging: one per page, then the next after it.
    const first = testContext(db);
    await runCli(['users', 'list', '--limit', '1', '--json'], first);
    const [page1] = JSON.parse(first.io.stdout()).users;
    const second = testContext(db);
    await runCli(['users', 'list', '--limit', '1', '--after', page1.id, '--json'], second);
    const [page2] = JSON.parse(second.io.stdout()).users;
    expect(page2.id).not.toBe(page1.id);
    expect([page1.clerk_id, page2.clerk_id].sort()).toEqual(['user_ada', 'user_grace']);
  });

  it('users show exits 4 for someone unknown', async () => {
    const { db } = use();
    for (const ref of ['user_nobody', 'nobody@example.com', '00000000-0000-4000-8000-000000000000']) {
      const ctx = testContext(db);
      expect(await runCli(['users', 'show', ref], ctx), ref).toBe(EXIT.notFound);
      expect(ctx.io.stderr()).toContain(ref);
    }
  });

  it('invite for an address an active user already holds applies the role now and says so', async () => {
    const { db } = use();
    await syncUserFromClerk(db, sampleClerkUser({ id: 'user_hopper', email: 'hopper@example.com' }));
    const ctx = testContext(db);
    expect(await runCli(['invite', 'Hopper@Example.com', '--role', 'admin'], ctx)).toBe(EXIT.ok);
    expect(ctx.io.stdout()).toContain(
      'hopper@example.com already has a user (user_hopper): role set to admin now (was member). No invitation was created.',
    );
    expect(await findUserByClerkId(db, 'user_hopper')).toMatchObject({ role: 'admin' });
    expect((await listInvitations(db, { includeClaimed: true })).map((i) => i.email)).not.toContain(
      'hopper@example.com',
    );

    const json = testContext(db);
    expect(await runCli(['invite', 'hopper@example.com', '--role', 'owner', '--json'], json)).toBe(EXIT.ok);
    expect(JSON.parse(json.io.stdout())).toMatchObject({
      status: 'role_applied',
      previousRole: 'admin',
      user: { clerk_id: 'user_hopper', role: 'owner' },
    });
    // --data belongs to an invitation: refused, nothing changed.
    const withData = testContext(db);
    expect(await runCli(['invite', 'hopper@example.com', '--role', 'x', '--data', '{}'], withData)).toBe(
      EXIT.usage,
    );
    expect(withData.io.stderr()).toContain('Nothing changed');
    expect(await findUserByClerkId(db, 'user_hopper')).toMatchObject({ role: 'owner' });
  });

  it('--json turns an error into one JSON object on stdout', async () => {
    const { db } = use();
    const ctx = testContext(db);
    expect(await runCli(['users', 'show', 'user_nobody', '--json'], ctx)).toBe(EXIT.notFound);
    expect(JSON.parse(ctx.io.stdout())).toEqual({
      error: { message: 'no user with id user_nobody', exitCode: EXIT.notFound },
    });
    expect(ctx.io.stderr()).toBe('');
  });
});

describe('usersync migrate (in-process, fresh embedded database)', () => {
  it('lists pending, migrates, reverts one step', async () => {
    const handle = createDatabase({ kind: 'pglite' });
    try {
      const ctx = () => testContext(handle.db);
      const pending = ctx();
      expect(await runCli(['migrate', '--status'], pending)).toBe(EXIT.ok);
      expect(pending.io.stdout()).toMatch(/pending\s+2026_11_21_0001_initial/);
      const migrate = ctx();
      expect(await runCli(['migrate'], migrate)).toBe(EXIT.ok);
      expect(migrate.io.stdout()).toContain('2026_11_21_0001_initial');
      const status = ctx();
      await runCli(['migrate', '--status', '--json'], status);
      // Every migration applied (later migrations join the list; the first one is always there).
      const applied = JSON.parse(status.io.stdout()).migrations as Array<{
        name: string;
        appliedAt: unknown;
      }>;
      expect(applied[0]).toEqual({ name: '2026_11_21_0001_initial', appliedAt: expect.any(String) });
      expect(applied.every((m) => typeof m.appliedAt === 'string')).toBe(true);
      const newest = applied.at(-1)?.name ?? '';
      // Destructive: refused without a terminal to ask on, asked otherwise, --yes skips the question.
      const unattended = ctx();
      expect(await runCli(['migrate', '--down'], unattended)).toBe(EXIT.refused);
      expect(unattended.io.stderr()).toMatch(/drops .* Add --yes/);
      const declined = testContext(handle.db, {}, captureIo([false]));
      expect(await runCli(['migrate', '--down'], declined)).toBe(EXIT.refused);
      expect(declined.io.questions()).toEqual([expect.stringContaining(newest)]);
      expect(declined.io.stderr()).toContain('Cancelled: nothing was changed');
      const stillThere = ctx();
      await runCli(['migrate', '--status'], stillThere);
      expect(stillThere.io.stdout()).toContain('is up to date.');
      const accepted = testContext(handle.db, {}, captureIo([true]));
      expect(await runCli(['migrate', '--down'], accepted)).toBe(EXIT.ok);
      expect(accepted.io.stdout()).toContain(`Reverted ${newest}`);
      await runCli(['migrate'], ctx());
      const down = ctx();
      expect(await runCli(['migrate', '--down', '--yes'], down)).toBe(EXIT.ok);
      expect(down.io.stdout()).toContain(`Reverted ${newest}`);
      const again = ctx();
      await runCli(['migrate', '--status'], again);
      expect(again.io.stdout()).toContain('1 pending');
    } finally {
      await handle.close();
    }
  });
});
