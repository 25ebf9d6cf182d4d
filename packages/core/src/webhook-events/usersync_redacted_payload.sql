-- A delivery payload cut down to ids (docs/privacy.md, decision 181): the envelope's type, timestamp,
-- instance and object, data's id, object and deleted, and "redacted": true. The one shape, for
-- deletions (usersync_forget_person_in_deliveries, the trigger) and retention (redactExpiredPayloads).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_redacted_payload(p_payload jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(p_payload) = 'object' THEN jsonb_strip_nulls(jsonb_build_object(
    'type', p_payload->'type', 'object', p_payload->'object', 'timestamp', p_payload->'timestamp',
    'instance_id', p_payload->'instance_id',
    'data', CASE WHEN jsonb_typeof(p_payload->'data') = 'object' THEN jsonb_strip_nulls(jsonb_build_object(
      'id', p_payload->'data'->'id', 'object', p_payload->'data'->'object', 'deleted', p_payload->'data'->'deleted'))
    END,
    'redacted', true)) END
$$;
