import { createDatabase, type Db, migrateToLatest } from '@usersync/core';

// One database handle per server process, migrated once before first use (usersync's tables and SQL
// functions; your own migrations can run beside them). Read lazily: `next build` imports this module
// without a database.
let ready: Promise<Db> | undefined;

export function usersyncDb(): Promise<Db> {
  ready ??= (async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    const { db } = createDatabase({ kind: 'postgres', url });
    await migrateToLatest(db);
    return db;
  })();
  ready.catch(() => {
    ready = undefined; // a failed start (database down) is tried again on the next request
  });
  return ready;
}

/** Clerk's Backend API for ensureUser: the secret key, and another URL only in tests. */
export function clerkBackend() {
  const secretKey = process.env.CLERK_SECRET_KEY;
  if (!secretKey) throw new Error('CLERK_SECRET_KEY is not set');
  return { secretKey, apiUrl: process.env.CLERK_API_URL };
}
