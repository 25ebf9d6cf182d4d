import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code.
// Clerk's `banned` (an admin ban: sessions ended, sign-in refused) and `locked` (a temporary lockout after
// failed attempts) mirrored on users. Two columns, not one status: a lock is not a ban (issue 23).
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE users
      ADD COLUMN banned boolean NOT NULL DEFAULT false,
      ADD COLUMN locked boolean NOT NULL DEFAULT false
  `.execute(db);
  // What the upsert rule takes (usersync_write_clerk_users): mapClerkUser's fields.
  await sql`ALTER TYPE usersync_clerk_user ADD ATTRIBUTE banned boolean, ADD ATTRIBUTE locked boolean`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TYPE usersync_clerk_user DROP ATTRIBUTE banned, DROP ATTRIBUTE locked`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN banned, DROP COLUMN locked`.execute(db);
}
