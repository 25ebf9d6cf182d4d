import { promoteListedAdmin } from '@usersync/core/admin';
import { findUserByClerkId } from '@usersync/core/users';
import type { FastifyPluginAsync } from 'fastify';
import { loadProfile } from '../lib/profile.ts';
import { errorRef, profileRef } from '../schemas.ts';

const syncResponse = (statuses: string[]) =>
  ({
    type: 'object',
    required: ['status', 'profile'],
    properties: { status: { type: 'string', enum: statuses }, profile: profileRef },
  }) as const;

/**
 * POST /api/v1/users/sync: the SPA calls it after sign-in. The caller's row was made sure of by the
 * user-provisioning hook (read from Clerk when missing); this reports which way it went, and makes sure
 * of the active organization the session token names. Takes no profile data from the request: a
 * body, if any, is read and discarded.
 */
const usersSyncRoute: FastifyPluginAsync<{ adminEmails: readonly string[] }> = async (fastify, options) => {
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
        headers: {
          type: 'object',
          required: ['authorization'],
          properties: { authorization: { type: 'string' } },
        },
        response: {
          200: syncResponse(['existing']),
          201: syncResponse(['created', 'updated']),
          401: errorRef,
          410: errorRef,
          413: errorRef,
          429: errorRef,
          500: errorRef,
          502: errorRef,
          503: errorRef,
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
