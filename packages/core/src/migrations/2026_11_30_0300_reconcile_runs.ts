import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code.
// One row per reconcile run (CLI or scheduled), read by `usersync reconcile runs`, /api/health, the
// metrics and the admin console. Column names are a contract (docs/observability.md).
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE reconcile_runs (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind          text NOT NULL CHECK (kind IN ('full', 'incremental')),
      trigger       text NOT NULL CHECK (trigger IN ('cli', 'schedule')),
      dry_run       boolean NOT NULL,
      status        text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'refused')),
      started_at    timestamptz NOT NULL DEFAULT now(),
      finished_at   timestamptz,
      since         timestamptz,
      watermark     timestamptz,
      users_read    integer NOT NULL DEFAULT 0,
      counts        jsonb NOT NULL DEFAULT '{}'::jsonb,
      drift_found   integer NOT NULL DEFAULT 0,
      error         text CHECK (char_length(error) <= 2000),
      runner        text CHECK (char_length(runner) <= 255)
    )
  `.execute(db);
  await sql`CREATE INDEX reconcile_runs_started_at_idx ON reconcile_runs (started_at DESC)`.execute(db);
  await sql`CREATE INDEX reconcile_runs_finished_at_idx ON reconcile_runs (finished_at DESC) WHERE finished_at IS NOT NULL`.execute(
    db,
  );
  // /api/health counts recent problem deliveries on every call: keep that an index range scan.
  await sql`CREATE INDEX webhook_events_problems_idx ON webhook_events (processed_at) WHERE status IN ('failed', 'invalid')`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX webhook_events_problems_idx`.execute(db);
  await sql`DROP TABLE reconcile_runs`.execute(db);
}
