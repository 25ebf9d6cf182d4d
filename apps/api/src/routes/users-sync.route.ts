import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SyncResponseSchema } from '@usersync/core/http-contract';
import { errorResponses } from '../lib/api-error.ts';
import { toProfile } from '../lib/profile.ts';

/**
 * POST /api/v1/users/sync: the SPA calls it after sign-in. The caller's row was made sure of by the
 * user-provisioning hook (read from Clerk when missing); this only reports which way it went: 200
 * `existing`, 201 `created` or `updated`. Takes no profile data from the request: a body, if any, is
 * read and discarded.
 */
const usersSyncRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  // Scoped to this route's plugin: any body (none, `{}`, anything else) is accepted and ignored.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 16 * 1024 }, (_request, _body, done) =>
    done(null, undefined),
  );

  fastify.post(
    '/users/sync',
    {
      bodyLimit: 16 * 1024,
      schema: {
        response: {
          200: SyncResponseSchema,
          201: SyncResponseSchema,
          ...errorResponses(401, 410, 413, 429, 500, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const { status, user } = request.caller;
      return reply.code(status === 'existing' ? 200 : 201).send({ status, profile: toProfile(user) });
    },
  );
};

export default usersSyncRoute;
