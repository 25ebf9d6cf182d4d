import type { ClerkClient } from '@clerk/backend';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminHeadersSchema,
  AdminUserDetailSchema,
  AdminUserSummarySchema,
  ClerkIdParamsSchema,
  PagedSchema,
  type ResyncResponse,
  ResyncResponseSchema,
  RoleChangeBodySchema,
  RoleChangeResponseSchema,
  UserListQuerySchema,
} from '@usersync/core/http-contract';
import {
  changeUserRole,
  currentPlanOf,
  findUserByClerkId,
  InvalidClerkUserError,
  LastAdminError,
  listWebhookEvents,
  membershipsOfUser,
  promoteListedAdmin,
  recordAuditEntry,
  searchUsers,
  syncUserFromClerk,
  UserNotFoundError,
} from '@usersync/core/internal';
import type { AppConfig } from '../../config.ts';
import { ApiError, errorResponses, notConfigured } from '../../lib/api-error.ts';
import { adminClerkFailure, clerkStatus, createClerkBackend, withTimeout } from '../../lib/clerk-backend.ts';
import { toPlan } from '../../lib/profile.ts';
import {
  adminErrorResponses,
  pageLimit,
  toAdminUser,
  toAdminUserSummary,
  toDeliverySummary,
} from './admin-mappers.ts';

const userNotFound = (clerkId: string) =>
  new ApiError(404, `No user with Clerk id ${clerkId}`, { code: 'user_not_found' });

/** Users: search, one user with settings, memberships and deliveries, role change, resync from Clerk. */
const adminUsersRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (fastify, { config }) => {
  const clerk: ClerkClient | null = createClerkBackend(config.clerk);
  function requireClerk(): ClerkClient {
    if (!clerk) throw notConfigured('The Clerk Backend API', ['CLERK_SECRET_KEY']);
    return clerk;
  }

  fastify.get(
    '/users',
    {
      schema: {
        headers: AdminHeadersSchema,
        querystring: UserListQuerySchema,
        response: { 200: PagedSchema(AdminUserSummarySchema), ...adminErrorResponses },
      },
    },
    async (request) => {
      const { limit, ...filters } = request.query;
      const page = await searchUsers(fastify.db, { ...filters, limit: pageLimit(limit) });
      return { items: page.items.map(toAdminUserSummary), nextCursor: page.nextCursor };
    },
  );

  fastify.get(
    '/users/:clerkId',
    {
      schema: {
        headers: AdminHeadersSchema,
        params: ClerkIdParamsSchema,
        response: { 200: AdminUserDetailSchema, ...errorResponses(404), ...adminErrorResponses },
      },
    },
    async (request) => {
      const user = await findUserByClerkId(fastify.db, request.params.clerkId);
      if (!user) throw userNotFound(request.params.clerkId);
      const [memberships, deliveries, plan] = await Promise.all([
        membershipsOfUser(fastify.db, user),
        listWebhookEvents(fastify.db, { clerkUserId: user.clerk_id, limit: 20 }),
        currentPlanOf(fastify.db, { clerkUserId: user.clerk_id }),
      ]);
      return {
        user: toAdminUser(user),
        plan: toPlan(plan),
        settings: user.settings,
        memberships,
        deliveries: deliveries.items.map(toDeliverySummary),
        roles: config.access.roles,
      };
    },
  );

  /**
   * Sets the role in users.role and in the user's Clerk public_metadata.role (updateUserMetadata, a
   * merge), the Clerk call made inside the database transaction: a Clerk failure rolls the change
   * back (docs/decisions/100). Sending the current role again re-writes Clerk's copy.
   */
  fastify.patch(
    '/users/:clerkId',
    {
      bodyLimit: 16 * 1024,
      schema: {
        headers: AdminHeadersSchema,
        params: ClerkIdParamsSchema,
        body: RoleChangeBodySchema(config.access.roles),
        response: {
          200: RoleChangeResponseSchema,
          ...errorResponses(404, 409, 413, 415),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      const backend = requireClerk();
      const { clerkId } = request.params;
      const { role } = request.body;
      try {
        const result = await changeUserRole(fastify.db, {
          clerkId,
          role,
          roles: config.access.roles,
          actor: request.caller.user.clerk_id,
          actorEmail: request.caller.user.email,
          beforeCommit: async () => {
            try {
              await withTimeout(
                backend.users.updateUserMetadata(clerkId, { publicMetadata: { role } }),
                config.clerkTimeoutMs,
              );
            } catch (error) {
              request.log.warn(
                { clerkUserId: clerkId, clerkStatus: clerkStatus(error) },
                'Clerk metadata write failed',
              );
              throw adminClerkFailure(error, 'change the role');
            }
          },
        });
        request.log.info({ clerkUserId: clerkId, role, changed: result.changed }, 'admin changed a role');
        return { user: toAdminUser(result.user), previousRole: result.previousRole, changed: result.changed };
      } catch (error) {
        if (error instanceof UserNotFoundError) throw userNotFound(clerkId);
        if (error instanceof LastAdminError) {
          throw new ApiError(409, 'This is the last admin: make another user admin first', {
            code: 'last_admin',
          });
        }
        throw error;
      }
    },
  );

  /** Reads the user from Clerk now and applies it under the fallback rule (core syncUserFromClerk). */
  fastify.post(
    '/users/:clerkId/resync',
    {
      schema: {
        headers: AdminHeadersSchema,
        params: ClerkIdParamsSchema,
        response: { 200: ResyncResponseSchema, ...errorResponses(404, 415), ...adminErrorResponses },
      },
    },
    async (request) => {
      const backend = requireClerk();
      const { clerkId } = request.params;
      let raw: unknown;
      try {
        raw = (await withTimeout(backend.users.getUser(clerkId), config.clerkTimeoutMs)).raw;
      } catch (error) {
        if (clerkStatus(error) === 404) {
          throw new ApiError(404, `Clerk has no user ${clerkId}; nothing was changed`, {
            code: 'clerk_user_not_found',
          });
        }
        throw adminClerkFailure(error, 'resync');
      }
      let outcome: ResyncResponse['outcome'];
      try {
        ({ outcome } = await syncUserFromClerk(fastify.db, raw, config.sync));
      } catch (error) {
        if (error instanceof InvalidClerkUserError) {
          throw new ApiError(502, `Clerk returned a user record that cannot be stored: ${error.message}`, {
            code: 'clerk_user_invalid',
          });
        }
        throw error;
      }
      await promoteListedAdmin(fastify.db, clerkId, config.access.adminEmails);
      const user = await findUserByClerkId(fastify.db, clerkId);
      await recordAuditEntry(fastify.db, {
        actor: request.caller.user.clerk_id,
        actorEmail: request.caller.user.email,
        action: 'user.resynced',
        targetType: 'user',
        targetId: clerkId,
        after: { outcome },
      });
      return { outcome, user: user ? toAdminUser(user) : null };
    },
  );
};

export default adminUsersRoute;
