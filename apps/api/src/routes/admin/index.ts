import { ADMIN_ROLE, findUserByClerkId } from '@usersync/core/internal';
import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../../config.ts';
import { ApiError } from '../../lib/api-error.ts';
import adminAuditLogRoute from './admin-audit-log.route.ts';
import adminOrganizationsRoute from './admin-organizations.route.ts';
import adminOverviewRoute from './admin-overview.route.ts';
import adminUsersRoute from './admin-users.route.ts';
import adminWebhookEventsRoute from './admin-webhook-events.route.ts';

/**
 * /api/v1/admin/*: the operator console's API. Inside the /api/v1 scope, so a request has a verified
 * Clerk session (401 otherwise) before this runs. The role is read from `users.role` on every request,
 * before the request is validated or provisioned: a non-admin learns nothing but 403, and a demoted
 * admin loses access with their next request (no session claim to wait out).
 */
const adminRoutes: FastifyPluginAsync<{ config: AppConfig }> = async (fastify, { config }) => {
  fastify.addHook('preValidation', async (request) => {
    const user = await findUserByClerkId(fastify.db, request.clerkUserId);
    if (user?.role !== ADMIN_ROLE || !user.is_active || user.deleted_at) {
      throw new ApiError(403, 'Admins only: your account does not have the admin role', {
        code: 'forbidden',
      });
    }
  });
  await fastify.register(adminOverviewRoute);
  await fastify.register(adminWebhookEventsRoute, { config });
  await fastify.register(adminUsersRoute, { config });
  await fastify.register(adminOrganizationsRoute);
  await fastify.register(adminAuditLogRoute);
};

export default adminRoutes;
