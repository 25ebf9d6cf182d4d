import { buildTestApp } from '@usersync/api/testing';
import { findUserByClerkId } from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { runCliProcess } from '@usersync/testing/processes';
import { testWebhookSecret } from '@usersync/testing/svix';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { testContext } from '../testing/command-fixtures.ts';

// `webhook send` round trip: the real API (apps/api's buildApp) listening on a real port, over the
// test's Postgres or PGlite. What the CLI signs, the API verifies and applies.

describeEachDatabase('usersync webhook send → running API', (use, kind) => {
  let clerk: ClerkStandIns;
  let secret: string;
  let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
  let url: string;

  beforeAll(async () => {
    clerk = await startClerkStandIns();
    secret = clerk.webhookSecret;
    ({ app } = await buildTestApp(use().db, clerk));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${address}/api/webhooks/clerk`;
  });
  afterAll(async () => {
    await app?.close();
    await clerk?.close();
  });

  const send = async (args: string[]) => {
    const ctx = testContext(use().db, { webhookSigningSecret: secret, webhookUrl: url });
    const code = await runCli(['webhook', 'send', ...args], ctx);
    return { code, out: ctx.io.stdout(), err: ctx.io.stderr() };
  };

  it('creates, updates and deletes a user through the API', async () => {
    const { db } = use();
    const created = await send([
      'user.created',
      '--user-id',
      'user_roundtrip',
      '--email',
      'ada@example.com',
      '--first-name',
      'Grace',
    ]);
    expect(created.code, created.err).toBe(EXIT.ok);
    expect(created.out).toMatch(/^200 OK$/m);
    expect(created.out).toContain('"status": "applied"');
    expect(await findUserByClerkId(db, 'user_roundtrip')).toMatchObject({
      email: 'ada@example.com',
      first_name: 'Grace',
      is_active: true,
    });

    // Clerk's updated_at is in milliseconds: make sure the update is newer than the create.
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Only the last name given: the rest is kept from the stored row, not replaced by sample data.
    const updated = await send(['user.updated', '--user-id', 'user_roundtrip', '--last-name', 'Byron']);
    expect(updated.code, updated.err).toBe(EXIT.ok);
    expect(await findUserByClerkId(db, 'user_roundtrip')).toMatchObject({
      email: 'ada@example.com',
      first_name: 'Grace',
      last_name: 'Byron',
    });

    const deleted = await send(['user.deleted', '--user-id', 'user_roundtrip']);
    expect(deleted.code, deleted.err).toBe(EXIT.ok);
    expect(await findUserByClerkId(db, 'user_roundtrip')).toMatchObject({
      is_active: false,
      deleted_at: expect.any(Date),
    });

    const events = await db
      .selectFrom('webhook_events')
      .select(['type', 'status'])
      .where('clerk_user_id', '=', 'user_roundtrip')
      .orderBy('created_at')
      .execute();
    expect(events).toEqual([
      { type: 'user.created', status: 'applied' },
      { type: 'user.updated', status: 'applied' },
      { type: 'user.deleted', status: 'applied' },
    ]);
  });

  it('sends every organization event type; orgs list and show read the result', async () => {
    const { db } = use();
    const run = async (args: string[]) => {
      const ctx = testContext(db, { webhookSigningSecret: secret, webhookUrl: url });
      const code = await runCli(args, ctx);
      return { code, out: ctx.io.stdout(), err: ctx.io.stderr() };
    };
    const org = ['--org-id', `org_rt_${kind}`];
    const member = [...org, '--user-id', `user_member_${kind}`];
    const steps: string[][] = [
      ['organization.created', ...org, '--name', 'Acme', '--slug', `acme-${kind}`],
      [
        'organizationMembership.created',
        ...member,
        '--name',
        'Acme',
        '--slug',
        `acme-${kind}`,
        '--role',
        'admin',
      ],
      [
        'organizationInvitation.created',
        ...org,
        '--invitation-id',
        `orginv_${kind}`,
        '--email',
        'grace@example.com',
      ],
      [
        'organizationInvitation.accepted',
        ...org,
        '--invitation-id',
        `orginv_${kind}`,
        '--email',
        'grace@example.com',
      ],
    ];
    for (const step of steps) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a newer updated_at each time
      const sent = await send(step);
      expect(sent.code, sent.err).toBe(EXIT.ok);
      expect(sent.out).toContain('"status": "applied"');
    }
    const list = await run(['orgs', 'list']);
    expect(list.out).toMatch(new RegExp(`org_rt_${kind}\\s+Acme\\s+acme-${kind}\\s+1\\s+active`));
    const show = await run(['orgs', 'show', `acme-${kind}`]);
    expect(show.code, show.err).toBe(EXIT.ok);
    expect(show.out).toMatch(new RegExp(`user_member_${kind} \\(not synced yet\\)\\s+-\\s+-\\s+org:admin`));
    const invitation = await db
      .selectFrom('organization_invitations')
      .select(['status', 'email', 'role'])
      .where('clerk_id', '=', `orginv_${kind}`)
      .executeTakeFirstOrThrow();
    expect(invitation).toEqual({ status: 'accepted', email: 'grace@example.com', role: 'org:member' });

    // The same organization and user make the same membership: updated, then deleted.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await send(['organizationMembership.updated', ...member, '--role', 'member'])).code).toBe(
      EXIT.ok,
    );
    expect((await run(['orgs', 'show', `org_rt_${kind}`])).out).toMatch(/org:member/);
    expect((await send(['organizationMembership.deleted', ...member])).code).toBe(EXIT.ok);
    expect((await run(['orgs', 'show', `org_rt_${kind}`])).out).toMatch(/^members\s+0$/m);
    expect((await send(['organization.deleted', ...org])).code).toBe(EXIT.ok);
    expect((await run(['orgs', 'list'])).out).not.toContain(`org_rt_${kind}`);
    expect((await run(['orgs', 'list', '--include-inactive'])).out).toMatch(
      new RegExp(`org_rt_${kind}.*deleted`),
    );

    const refused = await send(['organization.deleted']);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.err).toMatch(/needs --org-id/);
    const missing = await run(['orgs', 'show', 'org_nowhere']);
    expect(missing.code).toBe(EXIT.notFound);
  });

  it('the same svix-id twice is answered duplicate; a wrong secret is rejected (exit 1)', async () => {
    const first = await send(['user.created', '--svix-id', `msg_twice_${kind}`]);
    expect(first.out).toContain('"status": "applied"');
    const second = await send(['user.created', '--svix-id', `msg_twice_${kind}`]);
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toContain('"status": "duplicate"');

    const forged = await send(['user.created', '--secret', testWebhookSecret()]);
    expect(forged.code).toBe(EXIT.failure);
    expect(forged.out).toMatch(/^400 Bad Request$/m);
    expect(forged.out).toContain('Invalid webhook signature');
  });

  it('works the same from the real binary, reading the secret from the environment', async () => {
    const result = await runCliProcess(
      ['webhook', 'send', 'user.created', '--user-id', `user_binary_${kind}`, '--url', url],
      {
        CLERK_WEBHOOK_SECRET: secret,
      },
    );
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(result.stdout).toContain(`Sent user.created for user_binary_${kind}`);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(await findUserByClerkId(use().db, `user_binary_${kind}`)).not.toBeNull();
  });
});
