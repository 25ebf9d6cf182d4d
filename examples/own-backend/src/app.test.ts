import {
  createClerkSessionSigner,
  type FakeClerkBackendApi,
  sampleClerkEvent,
  sampleClerkUser,
  startFakeClerkBackendApi,
  testClerkKeys,
} from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExampleApp } from './app.ts';

// The example as a reader would run it: its own Fastify app on a real PostgreSQL, Clerk's webhook signed
// as Svix signs it, session tokens signed locally, and the Backend API stand-in for Clerk's servers.

describe('examples/own-backend: usersync as a library in your own backend', () => {
  const keys = testClerkKeys();
  const signer = createClerkSessionSigner();
  const secret = testWebhookSecret();
  let database: TestDatabase;
  let clerkApi: FakeClerkBackendApi;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    clerkApi = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    ({ app } = await buildExampleApp({
      databaseUrl: database.url!,
      webhookSigningSecret: secret,
      clerkSecretKey: keys.secretKey,
      clerkJwtKey: signer.publicKeyPem,
      clerkApiUrl: clerkApi.url,
    }));
  });
  afterAll(async () => {
    await app?.close();
    await clerkApi?.close();
    await database?.close();
  });

  const deliver = (type: string, user: Record<string, unknown> | { id: string }, signWith = secret) => {
    const body = JSON.stringify(sampleClerkEvent(type, user));
    return app.inject({
      method: 'POST',
      url: '/webhooks/clerk',
      headers: { 'content-type': 'application/json', ...signSvixDelivery(signWith, body) },
      body,
    });
  };
  const addNote = (clerkUserId: string | null, body = 'hello') =>
    app.inject({
      method: 'POST',
      url: '/notes',
      headers: clerkUserId ? { authorization: `Bearer ${signer.sign({ userId: clerkUserId })}` } : {},
      payload: { body },
    });
  const usersRow = (clerkId: string) =>
    database.db
      .selectFrom('users')
      .select(['id', 'deleted_at'])
      .where('clerk_id', '=', clerkId)
      .executeTakeFirst();

  it('applies a verified delivery; your table references the row by users.id', async () => {
    const created = await deliver('user.created', sampleClerkUser({ id: 'user_example' }));
    expect(created.json()).toEqual({ status: 'applied' });
    const note = await addNote('user_example');
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ user_id: (await usersRow('user_example'))!.id, body: 'hello' });
    expect(
      (await deliver('user.created', sampleClerkUser({ id: 'user_forged' }), testWebhookSecret())).statusCode,
    ).toBe(400);
    expect(await usersRow('user_forged')).toBeUndefined();
  });

  it('syncs a signed-in user from Clerk when the webhook has not arrived', async () => {
    clerkApi.users.set('user_late', sampleClerkUser({ id: 'user_late', email: 'late@example.com' }));
    const note = await addNote('user_late');
    expect(note.statusCode).toBe(201);
    expect(note.json().user_id).toBe((await usersRow('user_late'))!.id);
  });

  it('trusts only a verified session, and refuses a deleted user', async () => {
    expect((await addNote(null)).statusCode).toBe(401);
    await deliver('user.deleted', { id: 'user_example' });
    expect(await usersRow('user_example')).toMatchObject({ deleted_at: expect.any(Date) });
    expect((await addNote('user_example')).statusCode).toBe(410);
  });
});
