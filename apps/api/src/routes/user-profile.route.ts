import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProfileSchema, ProfileUpdateSchema } from '@usersync/core/http-contract';
import { updateAppOwnedFields } from '@usersync/core/internal';
import { ApiError, errorResponses } from '../lib/api-error.ts';
import { loadProfile } from '../lib/profile.ts';

/**
 * GET and PATCH /api/v1/users/profile: the signed-in user's profile. PATCH is a partial update of the
 * app-owned fields the contract declares (ProfileUpdateSchema); anything else is a 400.
 */
const userProfileRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/users/profile',
    { schema: { response: { 200: ProfileSchema, ...errorResponses(401, 403, 410, 429, 500, 502, 503) } } },
    async (request) => loadProfile(fastify.db, request.caller.user),
  );

  fastify.patch(
    '/users/profile',
    {
      bodyLimit: 16 * 1024,
      schema: {
        body: ProfileUpdateSchema,
        response: {
          200: ProfileSchema,
          ...errorResponses(400, 401, 403, 410, 413, 415, 429, 500, 502, 503),
        },
      },
    },
    async (request) => {
      const user = await updateAppOwnedFields(fastify.db, request.caller.user.id, { settings: request.body });
      // The row went away between the check and the update (a hard delete).
      if (!user) throw new ApiError(410, 'This account has been deleted', { code: 'user_deleted' });
      return loadProfile(fastify.db, user);
    },
  );
};

export default userProfileRoute;
