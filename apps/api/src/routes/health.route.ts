import { countUsers } from '@usersync/core/users';
import { lastWebhookAt } from '@usersync/core/webhook-events';
import type { FastifyPluginAsync } from 'fastify';

const healthSchema = {
  type: 'object',
  required: ['status', 'database', 'users', 'lastWebhookAt'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    database: { type: 'string', enum: ['up', 'down'] },
    users: { type: ['integer', 'null'], description: 'Active users (refreshed at most every 15 s)' },
    lastWebhookAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/**
 * Counting users is a full scan on a large table, and load balancers ask every few seconds per replica:
 * the count is reused for this long. The database is still queried on every call (lastWebhookAt).
 */
export const USERS_COUNT_TTL_MS = 15_000;

/** GET /api/health: 200 when the database answers, 503 when it does not (for load balancers). */
const healthRoute: FastifyPluginAsync = async (fastify) => {
  let counted: { users: number; at: number } | null = null;
  const activeUsers = async () => {
    if (counted && Date.now() - counted.at < USERS_COUNT_TTL_MS) return counted.users;
    const users = await countUsers(fastify.db);
    counted = { users, at: Date.now() };
    return users;
  };

  fastify.get(
    '/health',
    {
      schema: {
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (request, reply) => {
      try {
        const [users, last] = await Promise.all([activeUsers(), lastWebhookAt(fastify.db)]);
        return { status: 'ok', database: 'up', users, lastWebhookAt: last?.toISOString() ?? null };
      } catch (error) {
        request.log.warn({ err: error }, 'health check: database did not answer');
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ status: 'error', database: 'down', users: null, lastWebhookAt: null });
      }
    },
  );
};

export default healthRoute;
