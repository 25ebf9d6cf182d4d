import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponseSchema } from '@usersync/core/http-contract';
import { countUsers, readSyncHealth } from '@usersync/core/internal';

export interface HealthRouteOptions {
  /** STALE_AFTER: see readSyncHealth. */
  staleAfterMs: number;
}

/**
 * Counting users is a full scan on a large table, and load balancers ask every few seconds per replica:
 * the count is reused for this long. The database is still queried on every call (lastWebhookAt).
 */
export const USERS_COUNT_TTL_MS = 15_000;

/**
 * GET /api/health: 200 when the database answers, 503 when it does not (for load balancers: `status`
 * is only about this replica being able to serve). `sync` tells whether the sync itself is healthy;
 * a degraded sync still answers 200.
 */
const healthRoute: FastifyPluginAsyncTypebox<HealthRouteOptions> = async (fastify, { staleAfterMs }) => {
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
        response: { 200: HealthResponseSchema, 503: HealthResponseSchema },
      },
    },
    async (request, reply) => {
      try {
        const [users, sync] = await Promise.all([
          activeUsers(),
          readSyncHealth(fastify.db, { staleAfterMs }),
        ]);
        return {
          status: 'ok' as const,
          database: 'up' as const,
          users,
          lastWebhookAt: sync.lastDeliveryAt?.toISOString() ?? null,
          sync: { status: sync.status, reasons: sync.reasons },
        };
      } catch (error) {
        request.log.warn({ err: error }, 'health check: database did not answer');
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ status: 'error', database: 'down', users: null, lastWebhookAt: null, sync: null });
      }
    },
  );
};

export default healthRoute;
