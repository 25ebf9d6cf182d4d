import type { AdminOverview } from '@usersync/core/http-contract';
import { readAdminOverview } from '@usersync/core/internal';
import type { FastifyPluginAsync } from 'fastify';
import { toDeliverySummary } from './admin-mappers.ts';
import { adminErrorResponses, bearerHeaders, deliverySummarySchema } from './admin-schemas.ts';

/** p95 processing lag above this shows on the console's "needs attention" list. */
export const LAG_ATTENTION_MS = 60_000;

const count = { type: 'integer', minimum: 0 } as const;
const overviewSchema = {
  type: 'object',
  required: ['generatedAt', 'users', 'organizations', 'deliveries', 'lastReconcileRun'],
  properties: {
    generatedAt: { type: 'string', format: 'date-time' },
    users: {
      type: 'object',
      required: ['active', 'inactive', 'deleted'],
      properties: { active: count, inactive: count, deleted: count },
    },
    organizations: { type: ['integer', 'null'] },
    deliveries: {
      type: 'object',
      required: ['last24h', 'lastDeliveryAt', 'unrecovered', 'lag'],
      properties: {
        last24h: {
          type: 'object',
          required: ['byStatusAndType', 'perHour'],
          properties: {
            byStatusAndType: {
              type: 'array',
              items: {
                type: 'object',
                required: ['status', 'type', 'count'],
                properties: { status: { type: 'string' }, type: { type: ['string', 'null'] }, count },
              },
            },
            perHour: {
              type: 'array',
              items: {
                type: 'object',
                required: ['hour', 'status', 'count'],
                properties: {
                  hour: { type: 'string', format: 'date-time' },
                  status: { type: 'string' },
                  count,
                },
              },
            },
          },
        },
        lastDeliveryAt: { type: ['string', 'null'], format: 'date-time' },
        unrecovered: {
          type: 'object',
          required: ['count', 'oldestAt', 'latest'],
          properties: {
            count,
            oldestAt: { type: ['string', 'null'], format: 'date-time' },
            latest: { type: 'array', items: deliverySummarySchema },
          },
        },
        lag: {
          type: 'object',
          required: ['p50Ms', 'p95Ms', 'samples', 'thresholdMs'],
          properties: {
            p50Ms: { type: ['integer', 'null'] },
            p95Ms: { type: ['integer', 'null'] },
            samples: count,
            thresholdMs: count,
          },
        },
      },
    },
    lastReconcileRun: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

/** GET /api/v1/admin/overview: the figures of the console's first page. */
const adminOverviewRoute: FastifyPluginAsync = async (fastify) => {
  fastify.get(
    '/overview',
    { schema: { headers: bearerHeaders, response: { 200: overviewSchema, ...adminErrorResponses } } },
    async (): Promise<AdminOverview> => {
      const now = new Date();
      const { users, organizations, deliveries, lastReconcileRun } = await readAdminOverview(fastify.db, now);
      const iso = (date: Date | null) => date?.toISOString() ?? null;
      return {
        generatedAt: now.toISOString(),
        users,
        organizations,
        deliveries: {
          last24h: {
            byStatusAndType: deliveries.byStatusAndType,
            perHour: deliveries.perHour.map((row) => ({ ...row, hour: row.hour.toISOString() })),
          },
          lastDeliveryAt: iso(deliveries.lastDeliveryAt),
          unrecovered: {
            count: deliveries.unrecovered.count,
            oldestAt: iso(deliveries.unrecovered.oldestAt),
            latest: deliveries.unrecovered.latest.map(toDeliverySummary),
          },
          lag: { ...deliveries.lag, thresholdMs: LAG_ATTENTION_MS },
        },
        lastReconcileRun,
      };
    },
  );
};

export default adminOverviewRoute;
