import { buildApp } from '@usersync/api/app';
import type { AppConfig } from '@usersync/api/config';
import { describeEachDatabase } from '@usersync/core/testing';
import { findUserByClerkId } from '@usersync/core/users';
import { testClerkKeys, testWebhookSecret } from '@usersync/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { runBinary, testContext } from '../testing/cli-test-helpers.ts';

// `webhook send` round trip: the real API (apps/api's buildApp) listening on a real port, over the
// test's Postgres or PGlite. What the CLI signs, the API verifies and applies.

describeEachDatabase('usersync webhook send → running API', (use, kind) => {
  const secret = testWebhookSecret();
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;

  beforeAll(async () => {
    const keys = testClerkKeys();
    const config: AppConfig = {
      webhookSigningSecret: secret,
      clerk: {
        secretKey: keys.secretKey,
        publishableKey: keys.publishableKey,
        jwtKey: null,
        apiUrl: 'http://127.0.0.1:9',
        maxTokenAgeSeconds: null,
      },
      webOrigins: [],
      sync: { deleteMode: 'soft', defaultRole: 'member' },
      webDistDir: null,
      rateLimitPerMinute: 10_000,
      trustProxy: false,
      clerkTimeoutMs: 5_000,
    };
    app = await buildApp({ config, db: use().db });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${address}/api/webhooks/clerk`;
  });
  afterAll(() => app?.close());

  const send = async (args: string[]) => {
    const ctx = testContext(use().db, { webhookSecret: secret, webhookUrl: url });
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
    const result = await runBinary(
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
