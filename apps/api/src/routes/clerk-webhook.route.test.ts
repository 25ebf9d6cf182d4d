import {
  findUserByClerkId,
  findWebhookEvent,
  sampleClerkEvent,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { signSvixDelivery } from '@usersync/testing/svix';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, deliver } from '../testing/index.ts';

describeEachDatabase('POST /api/webhooks/clerk', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  let logs: string[];
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app, logs } = await buildTestApp(use().db, clerk, { captureLogs: true }));
  });
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  it('applies user.created, then answers a redelivery of the same svix-id as duplicate', async () => {
    const user = sampleClerkUser({ firstName: 'Grace', lastName: 'Hopper' });
    const event = sampleClerkEvent('user.created', user);
    const first = await deliver(app, clerk, event, { svixId: 'msg_created_1' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: 'applied' });
    const row = await findUserByClerkId(use().db, user.id as string);
    expect(row).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', role: 'member', is_active: true });

    const again = await deliver(app, clerk, event, { svixId: 'msg_created_1' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate' });
    expect(await findWebhookEvent(use().db, 'msg_created_1')).toMatchObject({ status: 'applied' });
  });

  it('applies a newer user.updated and answers an older one as stale', async () => {
    const created = sampleClerkUser({ updatedAt: 1_800_000_000_000, firstName: 'One' });
    const id = created.id as string;
    expect((await deliver(app, clerk, sampleClerkEvent('user.created', created))).json()).toEqual({
      status: 'applied',
    });
    const newer = { ...created, first_name: 'Three', updated_at: 1_800_000_000_300 };
    const older = { ...created, first_name: 'Two', updated_at: 1_800_000_000_200 };
    expect((await deliver(app, clerk, sampleClerkEvent('user.updated', newer))).json()).toEqual({
      status: 'applied',
    });
    expect((await deliver(app, clerk, sampleClerkEvent('user.updated', older))).json()).toEqual({
      status: 'stale',
    });
    expect((await findUserByClerkId(use().db, id))?.first_name).toBe('Three');
  });

  it('soft-deletes on user.deleted and ignores event types it does not handle', async () => {
    const user = sampleClerkUser();
    await deliver(app, clerk, sampleClerkEvent('user.created', user));
    const deleted = await deliver(app, clerk, sampleClerkEvent('user.deleted', user));
    expect(deleted.json()).toEqual({ status: 'applied' });
    const row = await findUserByClerkId(use().db, user.id as string);
    expect(row?.is_active).toBe(false);
    expect(row?.deleted_at).toBeInstanceOf(Date);

    const session = await deliver(app, clerk, sampleClerkEvent('session.created', { id: 'sess_1' }));
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({ status: 'ignored' });
  });

  // Svix signs the bytes it sends. Re-serialising a parsed body changes them (platform facts), so
  // each of these fails with a verifier that stringifies; they must pass here, and apply exactly.
  describe('verifies the exact bytes received', () => {
    it('accepts a pretty-printed body', async () => {
      const user = sampleClerkUser({ firstName: 'Pretty' });
      const body = JSON.stringify(sampleClerkEvent('user.created', user), null, 2);
      const response = await deliver(app, clerk, body);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'applied' });
      expect((await findUserByClerkId(use().db, user.id as string))?.first_name).toBe('Pretty');
    });

    it('accepts \\u0026 and other escapes, storing the characters they stand for', async () => {
      const user = sampleClerkUser({ firstName: 'PLACEHOLDER_FIRST', lastName: 'PLACEHOLDER_LAST' });
      const body = JSON.stringify(sampleClerkEvent('user.created', user))
        .replace('PLACEHOLDER_FIRST', 'Ben \\u0026 Jerry \\u003cb\\u003e')
        .replace('PLACEHOLDER_LAST', 'Zo\\u00eb \\ud83d\\ude00');
      expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
      const response = await deliver(app, clerk, body);
      expect(response.json()).toEqual({ status: 'applied' });
      const row = await findUserByClerkId(use().db, user.id as string);
      expect(row).toMatchObject({ first_name: 'Ben & Jerry <b>', last_name: 'Zoë 😀' });
    });

    it('accepts numeric-string keys, whose order JSON.stringify would change', async () => {
      const user = sampleClerkUser({ firstName: 'Numeric' });
      const json = JSON.stringify(sampleClerkEvent('user.created', user));
      // JavaScript puts integer-like keys first when it serialises, so "b" before "10" does not survive.
      const body = json.replace('"public_metadata":{}', '"public_metadata":{"b":1,"10":2,"2":3}');
      expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
      const response = await deliver(app, clerk, body);
      expect(response.json()).toEqual({ status: 'applied' });
      const row = await findUserByClerkId(use().db, user.id as string);
      expect(row?.public_metadata).toEqual({ b: 1, 10: 2, 2: 3 });
    });

    it.each([
      ['application/json'],
      ['application/json; charset=utf-8'],
      ['application/json;charset=UTF-8'],
      ['text/plain'],
      ['application/octet-stream'],
      ['application/x-www-form-urlencoded'],
      // Not valid media types: Fastify alone answers these 415.
      ['application/json, text/plain'],
      [''],
      [null],
    ])('accepts content-type %s', async (contentType) => {
      const user = sampleClerkUser();
      const body = JSON.stringify(sampleClerkEvent('user.created', user));
      const headers: Record<string, string> = { ...signSvixDelivery(clerk.webhookSecret, body) };
      if (contentType !== null) headers['content-type'] = contentType;
      const response = await app.inject({
        method: 'POST',
        url: '/api/webhooks/clerk',
        headers,
        payload: Buffer.from(body),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'applied' });
      expect(await findUserByClerkId(use().db, user.id as string)).not.toBeNull();
    });
  });

  it('refuses bytes that are not UTF-8, also when signed over their decoded text', async () => {
    // standardwebhooks signs a Buffer's UTF-8 decoding: 0xff becomes U+FFFD, a different byte sequence.
    const user = sampleClerkUser({ firstName: 'PLACEHOLDER' });
    const [head, tail] = JSON.stringify(sampleClerkEvent('user.created', user)).split('PLACEHOLDER');
    const bytes = Buffer.concat([
      Buffer.from(head as string),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(tail as string),
    ]);
    for (const signedOver of [bytes.toString('utf8'), bytes.toString('latin1')]) {
      const svixId = `msg_not_utf8_${signedOver.length}_${Math.random().toString(36).slice(2)}`;
      const response = await app.inject({
        method: 'POST',
        url: '/api/webhooks/clerk',
        headers: {
          'content-type': 'application/json',
          ...signSvixDelivery(clerk.webhookSecret, signedOver, { svixId }),
        },
        payload: bytes,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_encoding' });
      expect(await findWebhookEvent(use().db, svixId)).toBeNull();
    }
    expect(await findUserByClerkId(use().db, user.id as string)).toBeNull();
  });

  it('logs neither body content nor more than a bounded part of any field', async () => {
    const from = logs.length;
    const hugeType = `user.${'t'.repeat(900_000)}`;
    await deliver(app, clerk, JSON.stringify({ type: hugeType, data: { id: 'user_1' } }), {
      svixId: 'msg_huge_type',
    });
    await deliver(app, clerk, '{"type":"user.created","data":{"first_name": SECRETFRAGMENT}}', {
      svixId: 'msg_fragment',
    });
    const written = logs.slice(from);
    expect(written.length).toBeGreaterThan(0);
    for (const line of written) expect(line.length, line.slice(0, 200)).toBeLessThan(4_000);
    expect(written.join('\n')).not.toContain('SECRETFRAGMENT');
    expect((await findWebhookEvent(use().db, 'msg_fragment'))?.error).not.toContain('SECRETFRAGMENT');
  });

  it('answers a verified but unusable payload with 422, records it, and tries a redelivery again', async () => {
    const body = JSON.stringify({ type: 'user.created', object: 'event', data: { object: 'user' } });
    const first = await deliver(app, clerk, body, { svixId: 'msg_invalid_1' });
    expect(first.statusCode).toBe(422);
    expect(first.json()).toMatchObject({
      code: 'invalid_payload',
      error: expect.stringContaining('data.id'),
    });
    expect(await findWebhookEvent(use().db, 'msg_invalid_1')).toMatchObject({
      status: 'invalid',
      attempts: 1,
    });

    const redelivered = await deliver(app, clerk, body, { svixId: 'msg_invalid_1' });
    expect(redelivered.statusCode).toBe(422);
    expect(await findWebhookEvent(use().db, 'msg_invalid_1')).toMatchObject({
      status: 'invalid',
      attempts: 2,
    });
  });

  it.each([
    ['an empty body', ''],
    ['a body that is not JSON', 'hello, svix'],
    ['a JSON array', '[1,2,3]'],
    ['no data', '{"type":"user.created","object":"event"}'],
    ['a numeric data.id', JSON.stringify(sampleClerkEvent('user.created', { ...sampleClerkUser(), id: 42 }))],
    [
      'a numeric first_name',
      JSON.stringify(sampleClerkEvent('user.created', { ...sampleClerkUser(), first_name: 7 })),
    ],
    [
      'a string updated_at',
      JSON.stringify(sampleClerkEvent('user.updated', { ...sampleClerkUser(), updated_at: 'now' })),
    ],
    ['user.deleted without data.id', '{"type":"user.deleted","data":{"object":"user","deleted":true}}'],
    [
      'a NUL in a name',
      JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser({ firstName: 'a\u0000b' }))),
    ],
    // Integers past the JavaScript Date range (8.64e15 ms) became "0NaN-NaN…" timestamps and a 500.
    ...(['created_at', 'updated_at', 'last_sign_in_at'] as const).map((field) => [
      `${field} beyond the Date range`,
      JSON.stringify(
        sampleClerkEvent('user.created', { ...sampleClerkUser(), [field]: 9_000_000_000_000_000 }),
      ),
    ]),
    [
      'a user.deleted envelope timestamp beyond the Date range',
      JSON.stringify({
        ...sampleClerkEvent('user.deleted', sampleClerkUser()),
        timestamp: 9_000_000_000_000_000,
      }),
    ],
    // A 3,000-character id overflowed the btree of user_tombstones_pkey: a 500.
    [
      'a user.deleted id of 3,000 characters',
      JSON.stringify({ type: 'user.deleted', data: { id: `user_${'x'.repeat(3000)}`, deleted: true } }),
    ],
    [
      'an event type of 1,000 characters',
      JSON.stringify({ type: `user.${'x'.repeat(995)}`, data: { id: 'user_1' } }),
    ],
  ])(
    'answers a verified delivery with %s with 422, recorded as invalid, users untouched',
    async (_label, body) => {
      const usersBefore = await use().db.selectFrom('users').selectAll().orderBy('id').execute();
      const svixId = `msg_unusable_${Math.random().toString(36).slice(2)}`;
      const response = await deliver(app, clerk, body, { svixId });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'invalid_payload', error: expect.any(String) });
      expect(await findWebhookEvent(use().db, svixId)).toMatchObject({
        status: 'invalid',
        error: expect.any(String),
      });
      expect(await use().db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(usersBefore);
    },
  );

  it('logs each delivery with its svix-id, type and outcome', async () => {
    const user = sampleClerkUser();
    await deliver(app, clerk, sampleClerkEvent('user.created', user), { svixId: 'msg_logged_1' });
    const line = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((entry) => entry.svixId === 'msg_logged_1' && entry.msg === 'clerk webhook delivery');
    expect(line).toMatchObject({ type: 'user.created', outcome: 'applied', clerkUserId: user.id });
    expect(line?.reqId).toEqual(expect.any(String));
  });

  it('answers 503 naming the variable when no signing secret is configured', async () => {
    const { app: unconfigured } = await buildTestApp(use().db, clerk, {
      config: { webhookSigningSecret: null },
    });
    const response = await deliver(unconfigured, clerk, sampleClerkEvent('user.created', sampleClerkUser()));
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toContain('CLERK_WEBHOOK_SIGNING_SECRET');
    await unconfigured.close();
  });
});
