// The leanest honest Clerk webhook receiver, the second yardstick of the webhook ingest benchmark
// (docs/decisions/160): Fastify with its logger off, the body kept as the string it arrived as, `svix`'s
// own `Webhook.verify` (svix 2.x returns nothing), `JSON.parse` of the verified body, and one `INSERT … ON CONFLICT (clerk_id) DO
// UPDATE` through a `pg` pool of 10 into the same table as the Clerk-docs receiver (one-upsert.ts).
// No svix-id dedupe, no ordering guard, no event log, no tombstones.
// `node lean-receiver.ts '<json>'` with { port, databaseUrl }; prints "listening" when ready.
import Fastify from 'fastify';
import pg from 'pg';
import { Webhook } from 'svix';
import { type ClerkUserFields, upsertUser } from './one-upsert.ts';

interface ClerkUserPayload {
  type: string;
  data: ClerkUserFields;
}

if (import.meta.main) {
  const { port, databaseUrl } = JSON.parse(process.argv[2] ?? '{}') as { port: number; databaseUrl: string };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const webhook = new Webhook(process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? '');
  const fastify = Fastify({ logger: false });
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  fastify.post('/api/webhooks/clerk', async (request, reply) => {
    const body = request.body as string;
    try {
      webhook.verify(body, {
        'svix-id': String(request.headers['svix-id']),
        'svix-timestamp': String(request.headers['svix-timestamp']),
        'svix-signature': String(request.headers['svix-signature']),
      });
    } catch {
      return reply.code(400).send('invalid signature');
    }
    const evt = JSON.parse(body) as ClerkUserPayload;
    if (evt.type === 'user.created' || evt.type === 'user.updated') {
      await upsertUser(pool, evt.data);
    }
    return reply.send('ok');
  });

  await fastify.listen({ port, host: '127.0.0.1' });
  process.stdout.write('listening\n');
  process.on('SIGTERM', () => {
    void fastify.close().then(() => pool.end().then(() => process.exit(0)));
  });
}
