import { startThrowawayPostgres } from './throwaway-postgres.ts';

/**
 * Vitest globalSetup shared by every package: when DATABASE_URL is not given, start a throwaway
 * PostgreSQL for this test run and stop it afterwards, also when tests fail. Test files then create
 * their own database in it (see openTestDatabase).
 */
export default async function setup(): Promise<() => void> {
  if (process.env.USERSYNC_TEST_POSTGRES_URL) return () => {};
  if (process.env.DATABASE_URL) {
    process.env.USERSYNC_TEST_POSTGRES_URL = process.env.DATABASE_URL;
    return () => {};
  }
  if (!testDatabaseKinds().includes('postgres')) return () => {};
  const server = await startThrowawayPostgres();
  process.env.USERSYNC_TEST_POSTGRES_URL = server.url;
  return () => server.destroy();
}

export function testDatabaseKinds(): Array<'postgres' | 'pglite'> {
  const raw = process.env.TEST_DATABASES ?? 'postgres,pglite';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is 'postgres' | 'pglite' => s === 'postgres' || s === 'pglite');
}
