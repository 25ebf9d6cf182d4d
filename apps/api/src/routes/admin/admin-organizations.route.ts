import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminHeadersSchema,
  AdminOrganizationDetailSchema,
  ClerkIdParamsSchema,
} from '@usersync/core/http-contract';
import { currentPlanOf, findOrganizationWithMembers } from '@usersync/core/internal';
import { ApiError, errorResponses } from '../../lib/api-error.ts';
import { toPlan } from '../../lib/profile.ts';
import { adminErrorResponses } from './admin-mappers.ts';

/** GET /api/v1/admin/organizations/:clerkId (or a slug): one organization, its plan and its members. */
const adminOrganizationsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/organizations/:clerkId',
    {
      schema: {
        headers: AdminHeadersSchema,
        params: ClerkIdParamsSchema,
        response: { 200: AdminOrganizationDetailSchema, ...errorResponses(404), ...adminErrorResponses },
      },
    },
    async (request) => {
      const found = await findOrganizationWithMembers(fastify.db, request.params.clerkId);
      if (!found) {
        throw new ApiError(404, `No organization ${request.params.clerkId}`, {
          code: 'organization_not_found',
        });
      }
      const { organization: o, members } = found;
      const plan = await currentPlanOf(fastify.db, { clerkOrganizationId: o.clerk_id });
      return {
        organization: {
          clerkId: o.clerk_id,
          name: o.name,
          slug: o.slug,
          imageUrl: o.image_url,
          status: o.deleted_at
            ? ('deleted' as const)
            : o.is_active
              ? ('active' as const)
              : ('inactive' as const),
          clerkUpdatedAt: o.clerk_updated_at?.toISOString() ?? null,
        },
        plan: toPlan(plan),
        members: members.map((m) => ({
          clerkUserId: m.clerk_user_id,
          role: m.role,
          email: m.email,
          name: [m.first_name, m.last_name].filter(Boolean).join(' ') || null,
        })),
      };
    },
  );
};

export default adminOrganizationsRoute;
