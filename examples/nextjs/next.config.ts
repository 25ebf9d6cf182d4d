import type { NextConfig } from 'next';

const config: NextConfig = {
  // @usersync/core reads its SQL files beside its modules (new URL('./x.sql', import.meta.url)) and
  // opens a pg pool: load it from node_modules as it is, never bundled into a server chunk.
  serverExternalPackages: ['@usersync/core', 'pg'],
};

export default config;
