import { findUserByClerkId, listAuditLog, sampleClerkUser, syncUserFromClerk } from '@usersync/core/internal';
import { startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { clerkAt, testContext } from '../testing/command-fixtures.ts';

describeEachDatabase('usersync users set-role', (use) => {
  it('sets a role by email or Clerk id with an audit entry; refuses unknown roles and the last admin', async () => {
    const { db } = use();
    const ada = sampleClerkUser({ id: 'user_set_ada', email: 'ada@example.com' });
    const bob = sampleClerkUser({ id: 'user_set_bob', email: 'bob@example.com' });
    await syncUserFromClerk(db, ada);
    await syncUserFromClerk(db, bob);

    const promote = testContext(db);
    expect(await runCli(['users', 'set-role', 'ADA@example.com', 'admin'], promote)).toBe(EXIT.ok);
    expect(promote.io.stdout()).toContain(
      'member → admin; not written to Clerk (CLERK_SECRET_KEY is not set)',
    );
    expect((await findUserByClerkId(db, 'user_set_ada'))?.role).toBe('admin');
    expect((await listAuditLog(db, { targetId: 'user_set_ada' })).items).toMatchObject([
      {
        actor: expect.stringMatching(/^cli:/),
        action: 'user.role_changed',
        before: { role: 'member' },
        after: { role: 'admin' },
      },
    ]);

    const unknown = testContext(db);
    expect(await runCli(['users', 'set-role', 'user_set_bob', 'owner'], unknown)).toBe(EXIT.usage);
    expect(unknown.io.stderr()).toContain('"owner" is not one of ROLES (member, admin)');
    const custom = testContext(db, { roles: ['member', 'owner', 'admin'] });
    expect(await runCli(['users', 'set-role', 'user_set_bob', 'owner'], custom)).toBe(EXIT.ok);

    const last = testContext(db);
    expect(await runCli(['users', 'set-role', 'user_set_ada', 'member'], last)).toBe(EXIT.refused);
    expect(last.io.stderr()).toContain('last admin');
    expect((await findUserByClerkId(db, 'user_set_ada'))?.role).toBe('admin');
    expect(await runCli(['users', 'set-role', 'nobody@example.com', 'admin'], testContext(db))).toBe(
      EXIT.notFound,
    );
  });

  it('with CLERK_SECRET_KEY writes public_metadata.role too; a Clerk failure changes nothing', async () => {
    const { db } = use();
    const keys = testClerkKeys();
    const clerkApi = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    try {
      const cleo = sampleClerkUser({ id: 'user_set_cleo', email: 'cleo@example.com' });
      clerkApi.users.set('user_set_cleo', cleo);
      await syncUserFromClerk(db, cleo);
      const config = clerkAt(clerkApi.url, keys.secretKey);
      clerkApi.setFault(() => ({ status: 503 }));
      expect(await runCli(['users', 'set-role', 'user_set_cleo', 'admin'], testContext(db, config))).toBe(
        EXIT.failure,
      );
      expect((await findUserByClerkId(db, 'user_set_cleo'))?.role).toBe('member');
      clerkApi.setFault(undefined);
      const ok = testContext(db, config);
      expect(await runCli(['users', 'set-role', 'user_set_cleo', 'admin'], ok)).toBe(EXIT.ok);
      expect(ok.io.stdout()).toContain('written to Clerk public_metadata.role');
      expect(clerkApi.users.get('user_set_cleo')!.public_metadata).toMatchObject({ role: 'admin' });
    } finally {
      await clerkApi.close();
    }
  });
});
