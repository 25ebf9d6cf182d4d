import { countUsers } from '@usersync/core/users';
import { lastWebhookAt } from '@usersync/core/webhook-events';
import type { FastifyPluginAsync } from 'fastify';

const healthSchema = {
  type: 'object',
  required: ['status', 'database', 'users', 'lastWebhookAt'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    database: { type: 'string', enum: ['up', 'down'] },
    users: { type: ['integer', 'null'], description: 'Active users' },
    lastWebhookAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** GET /api/health: 200 when the database answers, 503 when it does not (for load balancers). */
const healthRoute: FastifyPluginAsync = async (fastify) => {
  fastify.get(
    '/health',
    {
      schema: {
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (request, reply) => {
      try {
        const [users, last] = await Promise.all([countUsers(fastify.db), lastWebhookAt(fastify.db)]);
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
