// The baseline of the webhook ingest benchmark: a Clerk webhook receiver written the way Clerk's Fastify
// guide writes it (`verifyWebhook` from @clerk/fastify/webhooks, which reads CLERK_WEBHOOK_SIGNING_SECRET)
// plus what most tutorials add: one `INSERT … ON CONFLICT (clerk_id) DO UPDATE` through a `pg` pool of 10.
// No svix-id dedupe, no ordering guard, no event log, no tombstones. `node baseline-receiver.ts '<json>'`
// with { port, databaseUrl }; prints "listening" when ready.
import { verifyWebhook } from '@clerk/fastify/webhooks';
import Fastify from 'fastify';
import pg from 'pg';
import { upsertUser } from './one-upsert.ts';

if (import.meta.main) {
  const { port, databaseUrl } = JSON.parse(process.argv[2] ?? '{}') as { port: number; databaseUrl: string };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // As the guide has it: Fastify's own logger on.
  const fastify = Fastify({ logger: true });

  fastify.post('/api/webhooks/clerk', async (request, reply) => {
    try {
      const evt = await verifyWebhook(request);
      if (evt.type === 'user.created' || evt.type === 'user.updated') {
        await upsertUser(pool, evt.data);
      }
      return reply.send('Webhook received');
    } catch (err) {
      request.log.error({ err }, 'Error verifying webhook');
      return reply.code(400).send('Error verifying webhook');
    }
  });

  await fastify.listen({ port, host: '127.0.0.1' });
  process.stdout.write('listening\n');
  process.on('SIGTERM', () => {
    void fastify.close().then(() => pool.end().then(() => process.exit(0)));
  });
}
