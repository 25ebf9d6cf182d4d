import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code.
// The one-reconcile-at-a-time lease (docs/decisions/151): at most one row, held by one run until it
// expires unless renewed. A row, not a session advisory lock, so it works through transaction poolers,
// which hand a server session to other clients and keep it after its client is gone.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE reconcile_lease (
      id          boolean PRIMARY KEY DEFAULT true CHECK (id),
      holder      text NOT NULL CHECK (char_length(holder) <= 255),
      acquired_at timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL
    )
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE reconcile_lease`.execute(db);
}
