import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code.
// Every admin action (console, API, `usersync users set-role`, ADMIN_EMAILS promotion): who, what,
// target, before/after, when. No foreign keys: the trail must outlive the users it names.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      actor       text NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 320),
      actor_email text CHECK (char_length(actor_email) <= 320),
      action      text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 64),
      target_type text NOT NULL CHECK (char_length(target_type) BETWEEN 1 AND 64),
      target_id   text NOT NULL CHECK (char_length(target_id) BETWEEN 1 AND 320),
      before      jsonb,
      after       jsonb,
      created_at  timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX audit_log_created_at_idx ON audit_log (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, created_at DESC)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE audit_log`.execute(db);
}
