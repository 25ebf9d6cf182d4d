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
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN banned, DROP COLUMN locked`.execute(db);
}
