import { THEMES } from '@usersync/core/db';
import { updateAppOwnedFields } from '@usersync/core/users';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../lib/api-error.ts';
import { loadProfile } from '../lib/profile.ts';
import { errorRef, profileRef } from '../schemas.ts';

const commonResponses = {
  401: errorRef,
  410: errorRef,
  429: errorRef,
  500: errorRef,
  502: errorRef,
  503: errorRef,
} as const;

const bearer = {
  type: 'object',
  required: ['authorization'],
  properties: { authorization: { type: 'string' } },
} as const;

/** GET and PATCH /api/v1/users/profile: the signed-in user's profile; PATCH changes app-owned fields only. */
const userProfileRoute: FastifyPluginAsync = async (fastify) => {
  fastify.get(
    '/users/profile',
    {
      schema: {
        headers: bearer,
        response: { 200: profileRef, ...commonResponses },
      },
    },
    async (request) => loadProfile(fastify.db, request.caller.user),
  );

  fastify.patch<{ Body: { theme: (typeof THEMES)[number] } }>(
    '/users/profile',
    {
      bodyLimit: 16 * 1024,
      schema: {
        headers: bearer,
        body: {
          type: 'object',
          required: ['theme'],
          additionalProperties: false,
          properties: { theme: { type: 'string', enum: [...THEMES] } },
        },
        response: { 200: profileRef, 400: errorRef, 413: errorRef, 415: errorRef, ...commonResponses },
      },
    },
    async (request) => {
      const user = await updateAppOwnedFields(fastify.db, request.caller.user.id, {
        theme: request.body.theme,
      });
      // The row went away between the check and the update (a hard delete).
      if (!user) throw new ApiError(410, 'This account has been deleted', { code: 'user_deleted' });
      return loadProfile(fastify.db, user);
    },
  );
};

export default userProfileRoute;
