-- Trigger (BEFORE INSERT OR UPDATE OF payload ON webhook_events, migration 2026_12_07_0820): a delivery
-- recorded after its person was deleted (a late user.updated answered stale, a membership or billing
-- event naming them) is stored already redacted. The trigger's WHEN clause keeps applied user.*
-- deliveries (the hot path) from calling it at all.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_redact_deleted_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.payload->>'redacted' = 'true' THEN
    RETURN NEW;
  END IF;
  IF EXISTS (
    SELECT 1 FROM user_tombstones t
    WHERE t.clerk_id = CASE WHEN NEW.type LIKE 'user.%' THEN NEW.clerk_user_id
      ELSE coalesce(NEW.payload #>> '{data,public_user_data,user_id}', NEW.payload #>> '{data,payer,user_id}') END
  ) THEN
    NEW.payload := usersync_redacted_payload(NEW.payload);
    NEW.payload_redacted_at := now();
  END IF;
  RETURN NEW;
END $$;
