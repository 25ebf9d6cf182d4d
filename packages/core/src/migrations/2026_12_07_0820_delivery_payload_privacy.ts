import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code.
// A person's data leaves stored delivery payloads (docs/privacy.md, decision 181): when they are deleted,
// and for every settled delivery once WEBHOOK_PAYLOAD_RETENTION_DAYS have passed. The record stays (svix-id
// for idempotency, type, status, when); payload_redacted_at says its payload was cut down to ids.
// The indexes find the deliveries that name a person outside webhook_events.clerk_user_id (which holds
// data.id: the user for user.*, the membership for organizationMembership.*): members' public_user_data,
// billing payers, invited addresses. Partial, so a user.* delivery (the hot path) costs no extra index write.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE webhook_events ADD COLUMN payload_redacted_at timestamptz`.execute(db);
  await sql`
    CREATE INDEX webhook_events_person_idx ON webhook_events
      ((coalesce(payload #>> '{data,public_user_data,user_id}', payload #>> '{data,payer,user_id}')))
    WHERE payload_redacted_at IS NULL AND (type LIKE 'organizationMembership.%' OR type LIKE 'subscription%'
      OR type LIKE 'paymentAttempt.%')
  `.execute(db);
  await sql`
    CREATE INDEX webhook_events_invited_email_idx ON webhook_events (lower(payload #>> '{data,email_address}'))
    WHERE payload_redacted_at IS NULL AND type LIKE 'organizationInvitation.%'
  `.execute(db);
  // A delivery about a person already deleted is stored redacted. The function's body is its file
  // (webhook-events/usersync_redact_deleted_person.sql, installed right after the table migrations, in
  // the same transaction); this stub only lets the trigger name it. The WHEN clause keeps the function
  // off the hot path: an applied user.* delivery is never about a deleted person.
  await sql`
    CREATE OR REPLACE FUNCTION usersync_redact_deleted_person() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RETURN NEW;
    END $$
  `.execute(db);
  await sql`
    CREATE TRIGGER webhook_events_redact_deleted_person BEFORE INSERT OR UPDATE OF payload ON webhook_events
    FOR EACH ROW WHEN (NEW.payload IS NOT NULL AND (NEW.status <> 'applied' OR NEW.type NOT LIKE 'user.%'))
    EXECUTE FUNCTION usersync_redact_deleted_person()
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER webhook_events_redact_deleted_person ON webhook_events`.execute(db);
  await sql`DROP INDEX webhook_events_invited_email_idx`.execute(db);
  await sql`DROP INDEX webhook_events_person_idx`.execute(db);
  await sql`ALTER TABLE webhook_events DROP COLUMN payload_redacted_at`.execute(db);
}
