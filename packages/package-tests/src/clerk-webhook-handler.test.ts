import { buildTestApp, type TestApp } from '@usersync/api/testing';
import { createClerkWebhookHandler, createDatabase, findUserByClerkId } from '@usersync/core';
import {
  type ClerkStandIns,
  sampleClerkEvent,
  sampleClerkUser,
  startClerkStandIns,
} from '@usersync/testing/clerk';
import { openTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from '@usersync/testing/database';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The Fetch API handler answers every delivery as the API's route does: the same sequence of deliveries,
// each sent to both (each over its own fresh database), gets the same status, body and row.

interface Delivery {
  name: string;
  body: string | Uint8Array;
  headers: (body: string | Uint8Array, secret: string) => Record<string, string>;
}

const text = (body: string | Uint8Array) => (typeof body === 'string' ? body : Buffer.from(body).toString());
const signed = (svixId?: string) => (body: string | Uint8Array, secret: string) =>
  signSvixDelivery(secret, text(body), { svixId });
const json = (value: unknown) => JSON.stringify(value);

const ada = (updatedAt: number, lastName: string) =>
  sampleClerkUser({ id: 'user_handler_ada', firstName: 'Ada', lastName, updatedAt });

const DELIVERIES: Delivery[] = [
  {
    name: 'created',
    body: json(sampleClerkEvent('user.created', ada(2_000, 'Byron'))),
    headers: signed('msg_h1'),
  },
  {
    name: 'the same svix-id again',
    body: json(sampleClerkEvent('user.created', ada(2_000, 'Byron'))),
    headers: signed('msg_h1'),
  },
  {
    name: 'a newer update, pretty-printed',
    body: JSON.stringify(sampleClerkEvent('user.updated', ada(3_000, 'Lovelace')), null, 2),
    headers: signed(),
  },
  {
    name: 'an older update',
    body: json(sampleClerkEvent('user.updated', ada(2_500, 'Old'))),
    headers: signed(),
  },
  {
    name: 'an event kind not synced',
    body: json({ type: 'email.created', data: { id: 'ema_1' } }),
    headers: signed(),
  },
  {
    name: 'an unusable payload',
    body: json(sampleClerkEvent('user.created', { id: 42 } as never)),
    headers: signed(),
  },
  {
    name: 'signed with another secret',
    body: json(sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_forged' }))),
    headers: (body) => signSvixDelivery(testWebhookSecret(), text(body)),
  },
  {
    name: 'without svix headers',
    body: json(sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_unsigned' }))),
    headers: () => ({}),
  },
  { name: 'not UTF-8', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: signed() },
  { name: 'over 1 MiB', body: `{"pad":"${'x'.repeat(1024 * 1024)}"}`, headers: signed() },
];

for (const kind of TEST_DATABASE_KINDS) {
  describe(`createClerkWebhookHandler answers as the API's webhook route [${kind}]`, () => {
    let clerk: ClerkStandIns;
    let apiDatabase: TestDatabase;
    let handlerDatabase: TestDatabase;
    let api: TestApp;
    let handler: (request: Request) => Promise<Response>;

    beforeAll(async () => {
      clerk = await startClerkStandIns();
      [apiDatabase, handlerDatabase] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
      api = await buildTestApp(apiDatabase.db, clerk);
      handler = createClerkWebhookHandler({ db: handlerDatabase.db, signingSecret: clerk.webhookSecret });
    });
    afterAll(async () => {
      await api?.app.close();
      await Promise.all([apiDatabase?.close(), handlerDatabase?.close(), clerk?.close()]);
    });

    it('every delivery gets the same status and body, and leaves the same row', async () => {
      const answers: Array<{ name: string; api: unknown; handler: unknown }> = [];
      for (const delivery of DELIVERIES) {
        const headers = {
          'content-type': 'application/json',
          ...delivery.headers(delivery.body, clerk.webhookSecret),
        };
        const fromApi = await api.app.inject({
          method: 'POST',
          url: '/api/webhooks/clerk',
          headers,
          payload: Buffer.from(delivery.body),
        });
        const fromHandler = await handler(
          new Request('http://localhost/api/webhooks/clerk', {
            method: 'POST',
            headers,
            body: delivery.body,
          }),
        );
        answers.push({
          name: delivery.name,
          api: { status: fromApi.statusCode, body: fromApi.json() },
          handler: { status: fromHandler.status, body: await fromHandler.json() },
        });
      }
      for (const answer of answers) expect(answer.handler, answer.name).toEqual(answer.api);
      // And the answers are the ones Svix needs (not merely equal to each other).
      expect(answers.map((a) => (a.handler as { status: number }).status)).toEqual([
        200, 200, 200, 200, 200, 422, 400, 400, 400, 413,
      ]);
      expect(answers.slice(0, 5).map((a) => (a.handler as { body: unknown }).body)).toEqual([
        { status: 'applied' },
        { status: 'duplicate' },
        { status: 'applied' },
        { status: 'stale' },
        { status: 'ignored' },
      ]);
      const [viaApi, viaHandler] = await Promise.all([
        findUserByClerkId(apiDatabase.db, 'user_handler_ada'),
        findUserByClerkId(handlerDatabase.db, 'user_handler_ada'),
      ]);
      expect(viaHandler).toMatchObject({ last_name: 'Lovelace', email: viaApi?.email });
      expect(await findUserByClerkId(handlerDatabase.db, 'user_forged')).toBeNull();
      expect(await findUserByClerkId(handlerDatabase.db, 'user_unsigned')).toBeNull();
    });
  });
}

describe('createClerkWebhookHandler while the database is unavailable', () => {
  it('answers 503 with Retry-After, so Svix delivers it again', async () => {
    const secret = testWebhookSecret();
    const unreachable = createDatabase({ kind: 'postgres', url: 'postgres://usersync@127.0.0.1:1/usersync' });
    try {
      const handler = createClerkWebhookHandler({ db: unreachable.db, signingSecret: secret });
      const body = json(sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_down' })));
      const response = await handler(
        new Request('http://localhost/', { method: 'POST', headers: signSvixDelivery(secret, body), body }),
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ code: 'database_unavailable' });
    } finally {
      await unreachable.close();
    }
  });
});
