import type { Db } from '@usersync/core/internal';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The application database. Owned by the caller of buildApp, which also closes it. */
    db: Db;
  }
}

export default fp<{ db: Db }>(
  async (fastify, { db }) => {
    fastify.decorate('db', db);
  },
  { name: 'database', fastify: '5.x' },
);
