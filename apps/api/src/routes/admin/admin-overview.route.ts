import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminHeadersSchema, AdminOverviewSchema } from '@usersync/core/http-contract';
import { countPastDuePayers, readAdminOverview } from '@usersync/core/internal';
import { adminErrorResponses, toDeliverySummary } from './admin-mappers.ts';

/** p95 processing lag above this shows on the console's "needs attention" list. */
export const LAG_ATTENTION_MS = 60_000;

/** GET /api/v1/admin/overview: the figures of the console's first page. */
const adminOverviewRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/overview',
    {
      schema: { headers: AdminHeadersSchema, response: { 200: AdminOverviewSchema, ...adminErrorResponses } },
    },
    async () => {
      const now = new Date();
      const [{ users, organizations, deliveries, lastReconcileRun }, pastDuePayers] = await Promise.all([
        readAdminOverview(fastify.db, now),
        countPastDuePayers(fastify.db),
      ]);
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
        billing: { pastDuePayers },
      };
    },
  );
};

export default adminOverviewRoute;
