import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminHeadersSchema,
  AuditEntrySchema,
  AuditLogQuerySchema,
  PagedSchema,
} from '@usersync/core/http-contract';
import { listAuditLog } from '@usersync/core/internal';
import { adminErrorResponses, pageLimit, toAuditEntry } from './admin-mappers.ts';

/** GET /api/v1/admin/audit-log?targetId=&cursor=: every admin action, newest first. */
const adminAuditLogRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/audit-log',
    {
      schema: {
        headers: AdminHeadersSchema,
        querystring: AuditLogQuerySchema,
        response: { 200: PagedSchema(AuditEntrySchema), ...adminErrorResponses },
      },
    },
    async (request) => {
      const { cursor, limit, targetId } = request.query;
      const page = await listAuditLog(fastify.db, { cursor, limit: pageLimit(limit), targetId });
      return { items: page.items.map(toAuditEntry), nextCursor: page.nextCursor };
    },
  );
};

export default adminAuditLogRoute;
