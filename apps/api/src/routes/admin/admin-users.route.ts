import type { ClerkClient } from '@clerk/backend';
import type {
  AdminUserDetail,
  AdminUserSummary,
  Paged,
  ResyncResponse,
  RoleChangeResponse,
} from '@usersync/core/http-contract';
import {
  changeUserRole,
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
  type UserStatus,
} from '@usersync/core/internal';
import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../../config.ts';
import { ApiError, errorResponses, notConfigured } from '../../lib/api-error.ts';
import { adminClerkFailure, clerkStatus, createClerkBackend, withTimeout } from '../../lib/clerk-backend.ts';
import { toAdminUser, toAdminUserSummary, toDeliverySummary } from './admin-mappers.ts';
import {
  adminErrorResponses,
  bearerHeaders,
  deliverySummarySchema,
  filterText,
  pagedSchema,
  pageLimit,
  pageQuery,
  userSchema,
  userStatusParam,
  userSummarySchema,
} from './admin-schemas.ts';

interface ListQuery {
  q?: string;
  status?: UserStatus;
  role?: string;
  cursor?: string;
  limit?: string;
}

const clerkIdParams = {
  type: 'object',
  required: ['clerkId'],
  properties: { clerkId: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

const userNotFound = (clerkId: string) =>
  new ApiError(404, `No user with Clerk id ${clerkId}`, { code: 'user_not_found' });

/** Users: search, one user with settings, memberships and deliveries, role change, resync from Clerk. */
const adminUsersRoute: FastifyPluginAsync<{ config: AppConfig }> = async (fastify, { config }) => {
  const clerk: ClerkClient | null = createClerkBackend(config.clerk);
  function requireClerk(): ClerkClient {
    if (!clerk) throw notConfigured('The Clerk Backend API', ['CLERK_SECRET_KEY']);
    return clerk;
  }

  fastify.get<{ Querystring: ListQuery }>(
    '/users',
    {
      schema: {
        headers: bearerHeaders,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, q: filterText, status: userStatusParam, role: filterText },
        },
        response: { 200: pagedSchema(userSummarySchema), ...adminErrorResponses },
      },
    },
    async (request): Promise<Paged<AdminUserSummary>> => {
      const { limit, ...filters } = request.query;
      const page = await searchUsers(fastify.db, { ...filters, limit: pageLimit(limit) });
      return { items: page.items.map(toAdminUserSummary), nextCursor: page.nextCursor };
    },
  );

  fastify.get<{ Params: { clerkId: string } }>(
    '/users/:clerkId',
    {
      schema: {
        headers: bearerHeaders,
        params: clerkIdParams,
        response: {
          200: {
            type: 'object',
            required: ['user', 'settings', 'memberships', 'deliveries', 'roles'],
            properties: {
              user: userSchema,
              settings: {
                type: 'object',
                required: ['theme', 'preferences'],
                properties: {
                  theme: { type: 'string' },
                  preferences: { type: 'object', additionalProperties: true },
                },
              },
              memberships: { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } },
              deliveries: { type: 'array', items: deliverySummarySchema },
              roles: { type: 'array', items: { type: 'string' } },
            },
          },
          ...errorResponses(404),
          ...adminErrorResponses,
        },
      },
    },
    async (request): Promise<AdminUserDetail> => {
      const user = await findUserByClerkId(fastify.db, request.params.clerkId);
      if (!user) throw userNotFound(request.params.clerkId);
      const [memberships, deliveries] = await Promise.all([
        membershipsOfUser(fastify.db, user),
        listWebhookEvents(fastify.db, { clerkUserId: user.clerk_id, limit: 20 }),
      ]);
      return {
        user: toAdminUser(user),
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
  fastify.patch<{ Params: { clerkId: string }; Body: { role: string } }>(
    '/users/:clerkId',
    {
      bodyLimit: 16 * 1024,
      schema: {
        headers: bearerHeaders,
        params: clerkIdParams,
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: { role: { type: 'string', enum: config.access.roles } },
        },
        response: {
          200: {
            type: 'object',
            required: ['user', 'previousRole', 'changed'],
            properties: { user: userSchema, previousRole: { type: 'string' }, changed: { type: 'boolean' } },
          },
          ...errorResponses(404, 409, 413, 415),
          ...adminErrorResponses,
        },
      },
    },
    async (request): Promise<RoleChangeResponse> => {
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
  fastify.post<{ Params: { clerkId: string } }>(
    '/users/:clerkId/resync',
    {
      schema: {
        headers: bearerHeaders,
        params: clerkIdParams,
        response: {
          200: {
            type: 'object',
            required: ['outcome', 'user'],
            properties: {
              outcome: { type: 'string' },
              user: { anyOf: [userSchema, { type: 'null' }] },
            },
          },
          ...errorResponses(404, 415),
          ...adminErrorResponses,
        },
      },
    },
    async (request): Promise<ResyncResponse> => {
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
