import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SyncResponseSchema } from '@usersync/core/http-contract';
import { findUserByClerkId, promoteListedAdmin } from '@usersync/core/internal';
import { errorResponses } from '../lib/api-error.ts';
import { loadProfile } from '../lib/profile.ts';

/**
 * POST /api/v1/users/sync: the SPA calls it after sign-in. The caller's row was made sure of by the
 * user-provisioning hook (read from Clerk when missing); this reports which way it went (200
 * `existing`, 201 `created` or `updated`), and makes sure of the active organization the session token
 * names. Takes no profile data from the request: a body, if any, is read and discarded.
 */
const usersSyncRoute: FastifyPluginAsyncTypebox<{ adminEmails: readonly string[] }> = async (
  fastify,
  options,
) => {
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
          ...errorResponses(401, 403, 410, 413, 429, 500, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const { status } = request.caller;
      let { user } = request.caller;
      // "On their next sync": a row that existed before its email was listed in ADMIN_EMAILS.
      if (
        status === 'existing' &&
        (await promoteListedAdmin(fastify.db, user.clerk_id, options.adminEmails))
      ) {
        user = (await findUserByClerkId(fastify.db, user.clerk_id)) ?? user;
      }
      // The session names an active organization: make sure it and the membership exist too, read
      // from Clerk (never from the request) when a webhook has not brought them yet.
      if (request.clerkOrganization) {
        await fastify.userProvisioning.ensureOrganization(
          user.clerk_id,
          request.clerkOrganization.id,
          request.log,
        );
      }
      return reply
        .code(status === 'existing' ? 200 : 201)
        .send({ status, profile: await loadProfile(fastify.db, user) });
    },
  );
};

export default usersSyncRoute;
