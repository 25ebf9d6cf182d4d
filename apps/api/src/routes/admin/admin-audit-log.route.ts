import type { AuditEntry, Paged } from '@usersync/core/http-contract';
import { listAuditLog } from '@usersync/core/internal';
import type { FastifyPluginAsync } from 'fastify';
import { toAuditEntry } from './admin-mappers.ts';
import {
  adminErrorResponses,
  auditEntrySchema,
  bearerHeaders,
  filterText,
  pagedSchema,
  pageLimit,
  pageQuery,
} from './admin-schemas.ts';

interface Query {
  cursor?: string;
  limit?: string;
  targetId?: string;
}

/** GET /api/v1/admin/audit-log?targetId=&cursor=: every admin action, newest first. */
const adminAuditLogRoute: FastifyPluginAsync = async (fastify) => {
  fastify.get<{ Querystring: Query }>(
    '/audit-log',
    {
      schema: {
        headers: bearerHeaders,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, targetId: filterText },
        },
        response: { 200: pagedSchema(auditEntrySchema), ...adminErrorResponses },
      },
    },
    async (request): Promise<Paged<AuditEntry>> => {
      const { cursor, limit, targetId } = request.query;
      const page = await listAuditLog(fastify.db, { cursor, limit: pageLimit(limit), targetId });
      return { items: page.items.map(toAuditEntry), nextCursor: page.nextCursor };
    },
  );
};

export default adminAuditLogRoute;
