// Your own backend, with usersync inside it as a library: Clerk's webhook keeps `users` current, your
// own `notes` table references `users.id`, and a signed-in request whose user's row is not there yet
// (the webhook is late) reads the user from Clerk first. Read docs/use-as-a-library.md alongside.
import { verifyToken } from '@clerk/backend';
import {
  applyClerkEvent,
  ClerkUserDeletedError,
  createDatabase,
  type Db,
  ensureUser,
  isDatabaseUnavailableError,
  migrateToLatest,
} from '@usersync/core';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Generated, sql } from 'kysely';
import { Webhook } from 'svix';

export interface ExampleConfig {
  /** Your PostgreSQL; unset: an in-memory PGlite (handy for trying it). */
  databaseUrl?: string;
  /** The Clerk webhook endpoint's signing secret (whsec_…). */
  webhookSigningSecret: string;
  clerkSecretKey: string;
  /** PEM public key: session tokens are checked with no network call. */
  clerkJwtKey: string;
  /** Clerk's Backend API (default https://api.clerk.com; tests use a local stand-in). */
  clerkApiUrl?: string | undefined;
}

/** Your own table, in your own migration: it references usersync's `users.id` (a uuid that never changes). */
interface NotesTable {
  id: Generated<string>;
  user_id: string;
  body: string;
  created_at: Generated<Date>;
}

async function createNotesTable(db: Db): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS notes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function buildExampleApp(config: ExampleConfig): Promise<{ app: FastifyInstance; db: Db }> {
  const database = createDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite' },
  );
  const { db } = database;
  await migrateToLatest(db); // usersync's tables: users, user_settings, webhook_events, …
  await createNotesTable(db);

  const clerk = { secretKey: config.clerkSecretKey, apiUrl: config.clerkApiUrl };
  const webhook = new Webhook(config.webhookSigningSecret);
  const app = Fastify();
  app.addHook('onClose', () => database.close());

  // 1. Clerk → Svix → here. The signature covers the exact bytes, so this route keeps the body raw.
  await app.register(async (webhooks) => {
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    webhooks.post('/webhooks/clerk', async (request, reply) => {
      const body = String(request.body);
      const headers = {
        'svix-id': String(request.headers['svix-id'] ?? ''),
        'svix-timestamp': String(request.headers['svix-timestamp'] ?? ''),
        'svix-signature': String(request.headers['svix-signature'] ?? ''),
      };
      try {
        webhook.verify(body, headers);
      } catch {
        return reply.code(400).send({ error: 'invalid signature' });
      }
      try {
        const result = await applyClerkEvent(db, { svixId: headers['svix-id'], body });
        // invalid: recorded, and answered 4xx so it shows as failed in Clerk's dashboard.
        return reply.code(result.status === 'invalid' ? 422 : 200).send({ status: result.status });
      } catch (error) {
        // Our failure (database down): 5xx, so Svix delivers it again later. Nothing is lost.
        if (isDatabaseUnavailableError(error)) return reply.code(503).send({ error: 'retry later' });
        throw error;
      }
    });
  });

  // 2. Your feature: a signed-in user's notes. Only the verified session's user id is trusted.
  app.post<{ Body: { body: string } }>(
    '/notes',
    { schema: { body: { type: 'object', required: ['body'], properties: { body: { type: 'string' } } } } },
    async (request, reply) => {
      const clerkUserId = await sessionUserId(request, config.clerkJwtKey);
      if (!clerkUserId) return reply.code(401).send({ error: 'sign in first' });
      // The user's row; when the webhook has not arrived yet, read from Clerk and applied under the same
      // rules (ordering, tombstones, invitations). A deleted user stays deleted.
      const user = await ensureUser(db, clerkUserId, clerk).then(
        (ensured) => ensured.user,
        (error: unknown) => {
          if (error instanceof ClerkUserDeletedError) return null;
          throw error;
        },
      );
      if (!user) return reply.code(410).send({ error: 'this account was deleted' });
      const note = await db
        .withTables<{ notes: NotesTable }>()
        .insertInto('notes')
        .values({ user_id: user.id, body: request.body.body })
        .returning(['id', 'user_id', 'body'])
        .executeTakeFirstOrThrow();
      return reply.code(201).send(note);
    },
  );

  return { app, db };
}

/** The Clerk user id of a valid session token (Authorization: Bearer …), else null. */
async function sessionUserId(request: FastifyRequest, jwtKey: string): Promise<string | null> {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return null;
  try {
    return (await verifyToken(token, { jwtKey })).sub;
  } catch {
    return null;
  }
}
