import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code, so later schema changes never rewrite it.
//
// Organizations, memberships and organization invitations, and the rules that write them as PL/pgSQL
// functions, fitted into the write path of migration 2026_11_30_0100 (docs/decisions/070, 080): one
// handler per event kind, the dispatch table replaced with their WHENs added, and the deliveries
// function replaced so that a delivery can hold several subjects' locks. The TypeScript side parses and
// maps Clerk's payloads into a flat JSON object of column values (ISO timestamps).
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE organizations (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      clerk_id         text NOT NULL UNIQUE CHECK (char_length(clerk_id) BETWEEN 1 AND 255),
      name             text NOT NULL CHECK (char_length(name) <= 256),
      slug             text CHECK (char_length(slug) <= 256),
      image_url        text CHECK (char_length(image_url) <= 2048),
      public_metadata  jsonb NOT NULL DEFAULT '{}'::jsonb,
      is_active        boolean NOT NULL DEFAULT true,
      deleted_at       timestamptz,
      clerk_created_at timestamptz,
      clerk_updated_at timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  // Slugs are unique in Clerk at any one time, but a deleted organization keeps its old one here.
  await sql`CREATE INDEX organizations_slug_idx ON organizations (slug)`.execute(db);
  await sql`CREATE INDEX organizations_created_at_idx ON organizations (created_at, id)`.execute(db);
  await sql`
    CREATE TRIGGER organizations_touch_updated_at BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION usersync_touch_updated_at()
  `.execute(db);

  // A membership names its organization and user by Clerk id; the uuid links are filled in when those
  // rows exist (now, or later by the triggers below), so a membership that arrives first is kept.
  await sql`
    CREATE TABLE organization_memberships (
      id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      clerk_id              text NOT NULL UNIQUE CHECK (char_length(clerk_id) BETWEEN 1 AND 255),
      clerk_organization_id text NOT NULL CHECK (char_length(clerk_organization_id) BETWEEN 1 AND 255),
      clerk_user_id         text NOT NULL CHECK (char_length(clerk_user_id) BETWEEN 1 AND 255),
      organization_id       uuid REFERENCES organizations (id) ON DELETE CASCADE,
      user_id               uuid REFERENCES users (id) ON DELETE CASCADE,
      role                  text NOT NULL CHECK (char_length(role) BETWEEN 1 AND 255),
      permissions           jsonb NOT NULL DEFAULT '[]'::jsonb,
      public_metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
      clerk_payload         jsonb,
      clerk_created_at      timestamptz,
      clerk_updated_at      timestamptz,
      created_at            timestamptz NOT NULL DEFAULT now(),
      updated_at            timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX organization_memberships_clerk_user_idx ON organization_memberships (clerk_user_id)`.execute(
    db,
  );
  await sql`CREATE INDEX organization_memberships_clerk_org_idx ON organization_memberships (clerk_organization_id)`.execute(
    db,
  );
  await sql`CREATE INDEX organization_memberships_organization_idx ON organization_memberships (organization_id)`.execute(
    db,
  );
  await sql`CREATE INDEX organization_memberships_user_idx ON organization_memberships (user_id)`.execute(db);
  await sql`
    CREATE TRIGGER organization_memberships_touch_updated_at BEFORE UPDATE ON organization_memberships
    FOR EACH ROW EXECUTE FUNCTION usersync_touch_updated_at()
  `.execute(db);

  await sql`
    CREATE TABLE organization_invitations (
      id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      clerk_id              text NOT NULL UNIQUE CHECK (char_length(clerk_id) BETWEEN 1 AND 255),
      clerk_organization_id text NOT NULL CHECK (char_length(clerk_organization_id) BETWEEN 1 AND 255),
      email                 text NOT NULL CHECK (char_length(email) <= 320),
      role                  text NOT NULL CHECK (char_length(role) BETWEEN 1 AND 255),
      status                text NOT NULL CHECK (char_length(status) BETWEEN 1 AND 64),
      clerk_created_at      timestamptz,
      clerk_updated_at      timestamptz,
      created_at            timestamptz NOT NULL DEFAULT now(),
      updated_at            timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX organization_invitations_clerk_org_idx ON organization_invitations (clerk_organization_id)`.execute(
    db,
  );
  await sql`
    CREATE TRIGGER organization_invitations_touch_updated_at BEFORE UPDATE ON organization_invitations
    FOR EACH ROW EXECUTE FUNCTION usersync_touch_updated_at()
  `.execute(db);

  // Clerk never reuses these ids: a tombstone keeps a late created/updated from bringing one back.
  await sql`
    CREATE TABLE organization_tombstones (
      clerk_id   text PRIMARY KEY,
      deleted_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`
    CREATE TABLE organization_membership_tombstones (
      clerk_id              text PRIMARY KEY,
      clerk_organization_id text,
      clerk_user_id         text,
      deleted_at            timestamptz NOT NULL,
      created_at            timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);

  // The same key format as the TypeScript user lock (usersync:user:<clerk id>), so both serialise.
  await sql`
    CREATE FUNCTION usersync_lock_clerk_id(p_kind text, p_clerk_id text) RETURNS void LANGUAGE sql AS $$
      SELECT pg_advisory_xact_lock(hashtextextended('usersync:' || p_kind || ':' || p_clerk_id, 0))
    $$
  `.execute(db);

  // Links: whoever inserts the user or organization row (webhook, fallback, reconcile), memberships
  // stored before it point at it from then on.
  await sql`
    CREATE FUNCTION usersync_link_user_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE organization_memberships SET user_id = NEW.id
      WHERE clerk_user_id = NEW.clerk_id AND user_id IS NULL;
      RETURN NEW;
    END $$
  `.execute(db);
  await sql`
    CREATE TRIGGER users_link_memberships AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION usersync_link_user_memberships()
  `.execute(db);
  await sql`
    CREATE FUNCTION usersync_link_organization_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE organization_memberships SET organization_id = NEW.id
      WHERE clerk_organization_id = NEW.clerk_id AND organization_id IS NULL;
      RETURN NEW;
    END $$
  `.execute(db);
  await sql`
    CREATE TRIGGER organizations_link_memberships AFTER INSERT ON organizations
    FOR EACH ROW EXECUTE FUNCTION usersync_link_organization_memberships()
  `.execute(db);

  // A deleted user's memberships end, whichever code path tombstones the user (the user rules hold
  // the user's lock then, which every membership write takes too).
  await sql`
    CREATE FUNCTION usersync_end_user_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      WITH ended AS (
        DELETE FROM organization_memberships WHERE clerk_user_id = NEW.clerk_id
        RETURNING clerk_id, clerk_organization_id, clerk_user_id
      )
      INSERT INTO organization_membership_tombstones (clerk_id, clerk_organization_id, clerk_user_id, deleted_at)
      SELECT clerk_id, clerk_organization_id, clerk_user_id, NEW.deleted_at FROM ended
      ON CONFLICT (clerk_id) DO NOTHING;
      RETURN NEW;
    END $$
  `.execute(db);
  await sql`
    CREATE TRIGGER user_tombstones_end_memberships AFTER INSERT ON user_tombstones
    FOR EACH ROW EXECUTE FUNCTION usersync_end_user_memberships()
  `.execute(db);

  // Organization upsert. Outcome: created | updated | unchanged | stale | deleted.
  await sql`
    CREATE FUNCTION usersync_write_organization(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      v_clerk_id text := p->>'clerk_id';
      v_updated  timestamptz := (p->>'clerk_updated_at')::timestamptz;
      v_row      organizations%ROWTYPE;
    BEGIN
      PERFORM usersync_lock_clerk_id('organization', v_clerk_id);
      IF EXISTS (SELECT 1 FROM organization_tombstones WHERE clerk_id = v_clerk_id) THEN
        RETURN 'deleted';
      END IF;
      SELECT * INTO v_row FROM organizations WHERE clerk_id = v_clerk_id;
      IF FOUND THEN
        IF v_row.deleted_at IS NOT NULL THEN RETURN 'deleted'; END IF;
        IF v_row.clerk_updated_at IS NOT NULL AND v_updated <= v_row.clerk_updated_at THEN
          RETURN CASE WHEN v_updated < v_row.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
        END IF;
        UPDATE organizations SET
          name = p->>'name', slug = p->>'slug', image_url = p->>'image_url',
          public_metadata = COALESCE(p->'public_metadata', '{}'::jsonb),
          clerk_created_at = (p->>'clerk_created_at')::timestamptz, clerk_updated_at = v_updated,
          is_active = true
        WHERE id = v_row.id;
        RETURN 'updated';
      END IF;
      INSERT INTO organizations (clerk_id, name, slug, image_url, public_metadata, clerk_created_at, clerk_updated_at)
      VALUES (v_clerk_id, p->>'name', p->>'slug', p->>'image_url', COALESCE(p->'public_metadata', '{}'::jsonb),
              (p->>'clerk_created_at')::timestamptz, v_updated);
      RETURN 'created';
    END $$
  `.execute(db);

  // Organization deletion is terminal and ends every membership. Outcome: deleted | already-deleted.
  await sql`
    CREATE FUNCTION usersync_delete_organization(p_clerk_id text, p_deleted_at timestamptz, p_mode text)
    RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      v_new integer;
    BEGIN
      PERFORM usersync_lock_clerk_id('organization', p_clerk_id);
      INSERT INTO organization_tombstones (clerk_id, deleted_at) VALUES (p_clerk_id, p_deleted_at)
      ON CONFLICT (clerk_id) DO NOTHING;
      GET DIAGNOSTICS v_new = ROW_COUNT;
      WITH ended AS (
        DELETE FROM organization_memberships WHERE clerk_organization_id = p_clerk_id
        RETURNING clerk_id, clerk_organization_id, clerk_user_id
      )
      INSERT INTO organization_membership_tombstones (clerk_id, clerk_organization_id, clerk_user_id, deleted_at)
      SELECT clerk_id, clerk_organization_id, clerk_user_id, p_deleted_at FROM ended
      ON CONFLICT (clerk_id) DO NOTHING;
      IF p_mode = 'hard' THEN
        DELETE FROM organizations WHERE clerk_id = p_clerk_id;
      ELSE
        UPDATE organizations SET is_active = false, deleted_at = p_deleted_at
        WHERE clerk_id = p_clerk_id AND deleted_at IS NULL;
      END IF;
      RETURN CASE WHEN v_new = 0 THEN 'already-deleted' ELSE 'deleted' END;
    END $$
  `.execute(db);

  // Membership upsert; p_organization is the organization the payload embeds (or null), written first
  // under its own ordering guard. Locks in the write path's one order (their keys sorted, COLLATE "C"):
  // organization, organization_membership, user.
  // Outcome: created | updated | unchanged | stale | deleted | organization-deleted | user-deleted.
  await sql`
    CREATE FUNCTION usersync_write_organization_membership(p jsonb, p_organization jsonb) RETURNS text
    LANGUAGE plpgsql AS $$
    DECLARE
      v_clerk_id text := p->>'clerk_id';
      v_org      text := p->>'clerk_organization_id';
      v_user     text := p->>'clerk_user_id';
      v_updated  timestamptz := (p->>'clerk_updated_at')::timestamptz;
      v_row      organization_memberships%ROWTYPE;
    BEGIN
      PERFORM usersync_lock_clerk_id('organization', v_org);
      PERFORM usersync_lock_clerk_id('organization_membership', v_clerk_id);
      PERFORM usersync_lock_clerk_id('user', v_user);
      IF EXISTS (SELECT 1 FROM organization_membership_tombstones WHERE clerk_id = v_clerk_id) THEN
        RETURN 'deleted';
      END IF;
      IF p_organization IS NOT NULL AND p_organization->>'clerk_id' = v_org THEN
        PERFORM usersync_write_organization(p_organization);
      END IF;
      IF EXISTS (SELECT 1 FROM organization_tombstones WHERE clerk_id = v_org)
         OR EXISTS (SELECT 1 FROM organizations WHERE clerk_id = v_org AND deleted_at IS NOT NULL) THEN
        RETURN 'organization-deleted';
      END IF;
      IF EXISTS (SELECT 1 FROM user_tombstones WHERE clerk_id = v_user)
         OR EXISTS (SELECT 1 FROM users WHERE clerk_id = v_user AND deleted_at IS NOT NULL) THEN
        RETURN 'user-deleted';
      END IF;
      SELECT * INTO v_row FROM organization_memberships WHERE clerk_id = v_clerk_id;
      IF FOUND THEN
        IF v_row.clerk_updated_at IS NOT NULL AND v_updated <= v_row.clerk_updated_at THEN
          RETURN CASE WHEN v_updated < v_row.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
        END IF;
        UPDATE organization_memberships SET
          role = p->>'role', permissions = COALESCE(p->'permissions', '[]'::jsonb),
          public_metadata = COALESCE(p->'public_metadata', '{}'::jsonb), clerk_payload = p->'clerk_payload',
          clerk_created_at = (p->>'clerk_created_at')::timestamptz, clerk_updated_at = v_updated,
          organization_id = COALESCE(organization_id, (SELECT id FROM organizations WHERE clerk_id = v_org)),
          user_id = COALESCE(user_id, (SELECT id FROM users WHERE clerk_id = v_user))
        WHERE id = v_row.id;
        RETURN 'updated';
      END IF;
      INSERT INTO organization_memberships (clerk_id, clerk_organization_id, clerk_user_id, organization_id,
        user_id, role, permissions, public_metadata, clerk_payload, clerk_created_at, clerk_updated_at)
      VALUES (v_clerk_id, v_org, v_user,
        (SELECT id FROM organizations WHERE clerk_id = v_org), (SELECT id FROM users WHERE clerk_id = v_user),
        p->>'role', COALESCE(p->'permissions', '[]'::jsonb), COALESCE(p->'public_metadata', '{}'::jsonb),
        p->'clerk_payload', (p->>'clerk_created_at')::timestamptz, v_updated);
      RETURN 'created';
    END $$
  `.execute(db);

  // A membership that ends leaves no row, only a tombstone. Outcome: deleted | already-deleted.
  await sql`
    CREATE FUNCTION usersync_delete_organization_membership(
      p_clerk_id text, p_clerk_organization_id text, p_clerk_user_id text, p_deleted_at timestamptz)
    RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      v_new integer;
    BEGIN
      IF p_clerk_organization_id IS NOT NULL THEN PERFORM usersync_lock_clerk_id('organization', p_clerk_organization_id); END IF;
      PERFORM usersync_lock_clerk_id('organization_membership', p_clerk_id);
      IF p_clerk_user_id IS NOT NULL THEN PERFORM usersync_lock_clerk_id('user', p_clerk_user_id); END IF;
      INSERT INTO organization_membership_tombstones (clerk_id, clerk_organization_id, clerk_user_id, deleted_at)
      VALUES (p_clerk_id, p_clerk_organization_id, p_clerk_user_id, p_deleted_at)
      ON CONFLICT (clerk_id) DO NOTHING;
      GET DIAGNOSTICS v_new = ROW_COUNT;
      DELETE FROM organization_memberships WHERE clerk_id = p_clerk_id;
      RETURN CASE WHEN v_new = 0 THEN 'already-deleted' ELSE 'deleted' END;
    END $$
  `.execute(db);

  // Invitation upsert: newer updated_at wins; at the same instant a final status (accepted, revoked)
  // beats pending. Outcome: created | updated | unchanged | stale.
  await sql`
    CREATE FUNCTION usersync_write_organization_invitation(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      v_clerk_id text := p->>'clerk_id';
      v_updated  timestamptz := (p->>'clerk_updated_at')::timestamptz;
      v_row      organization_invitations%ROWTYPE;
    BEGIN
      PERFORM usersync_lock_clerk_id('organization_invitation', v_clerk_id);
      SELECT * INTO v_row FROM organization_invitations WHERE clerk_id = v_clerk_id;
      IF FOUND THEN
        IF v_row.clerk_updated_at IS NOT NULL AND (v_updated < v_row.clerk_updated_at
           OR (v_updated = v_row.clerk_updated_at AND NOT (v_row.status = 'pending' AND p->>'status' <> 'pending'))) THEN
          RETURN CASE WHEN v_updated < v_row.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
        END IF;
        UPDATE organization_invitations SET
          clerk_organization_id = p->>'clerk_organization_id', email = p->>'email', role = p->>'role',
          status = p->>'status', clerk_created_at = (p->>'clerk_created_at')::timestamptz,
          clerk_updated_at = v_updated
        WHERE id = v_row.id;
        RETURN 'updated';
      END IF;
      INSERT INTO organization_invitations (clerk_id, clerk_organization_id, email, role, status, clerk_created_at,
        clerk_updated_at)
      VALUES (v_clerk_id, p->>'clerk_organization_id', p->>'email', p->>'role', p->>'status',
        (p->>'clerk_created_at')::timestamptz, v_updated);
      RETURN 'created';
    END $$
  `.execute(db);

  // The handlers, one per event kind: (data jsonb, options jsonb) -> (status, reason, user_id).
  await sql`
    CREATE FUNCTION usersync_organization_outcome(
      p_outcome text, p_noun text, OUT status text, OUT reason text
    ) LANGUAGE plpgsql IMMUTABLE AS $$
    BEGIN
      CASE p_outcome
        WHEN 'created', 'updated', 'deleted-now' THEN status := 'applied';
        WHEN 'unchanged' THEN status := 'duplicate'; reason := 'this version of the ' || p_noun || ' is already stored';
        WHEN 'stale' THEN status := 'stale'; reason := 'a newer version of the ' || p_noun || ' is already stored';
        WHEN 'deleted' THEN status := 'stale'; reason := 'the ' || p_noun || ' was deleted; deletion is final';
        WHEN 'already-deleted' THEN status := 'duplicate'; reason := 'the ' || p_noun || ' was already deleted';
        WHEN 'organization-deleted' THEN status := 'stale'; reason := 'the organization was deleted; its memberships ended';
        WHEN 'user-deleted' THEN status := 'stale'; reason := 'the user was deleted; their memberships ended';
      END CASE; -- no ELSE: an unexpected outcome raises CASE_NOT_FOUND instead of passing silently
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION usersync_apply_clerk_organization_upsert(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      SELECT o.status, o.reason INTO status, reason
      FROM usersync_organization_outcome(usersync_write_organization(p_data), 'organization') o;
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION usersync_apply_clerk_organization_delete(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    DECLARE
      v_outcome text := usersync_delete_organization(
        p_data->>'clerk_id', (p_data->>'deleted_at')::timestamptz, p_options->>'delete_mode');
    BEGIN
      SELECT o.status, o.reason INTO status, reason FROM usersync_organization_outcome(
        CASE WHEN v_outcome = 'deleted' THEN 'deleted-now' ELSE v_outcome END, 'organization') o;
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION usersync_apply_clerk_organization_membership_upsert(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      SELECT o.status, o.reason INTO status, reason FROM usersync_organization_outcome(
        usersync_write_organization_membership(p_data, p_data->'organization'), 'membership') o;
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION usersync_apply_clerk_organization_membership_delete(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    DECLARE
      v_outcome text := usersync_delete_organization_membership(p_data->>'clerk_id',
        p_data->>'clerk_organization_id', p_data->>'clerk_user_id', (p_data->>'deleted_at')::timestamptz);
    BEGIN
      SELECT o.status, o.reason INTO status, reason FROM usersync_organization_outcome(
        CASE WHEN v_outcome = 'deleted' THEN 'deleted-now' ELSE v_outcome END, 'membership') o;
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION usersync_apply_clerk_organization_invitation_upsert(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      SELECT o.status, o.reason INTO status, reason
      FROM usersync_organization_outcome(usersync_write_organization_invitation(p_data), 'invitation') o;
    END $$
  `.execute(db);

  // The dispatch table, replaced with every WHEN of 2026_11_30_0100 plus this migration's (070).
  await sql.raw(DISPATCH_USER_AND_ORGANIZATION_EVENTS).execute(db);

  // The deliveries function of 2026_11_30_0100, replaced: one change. A delivery may name further
  // subjects it writes (lock_keys: a membership's organization, itself and its user), and every lock
  // of the whole statement is taken first, in the one order (COLLATE "C"). Taken one delivery at a
  // time, a membership's second lock could come after a later delivery's key and cross another
  // statement's order (a deadlock between two group commits).
  await sql.raw(DELIVERIES_LOCKING_EVERY_SUBJECT_FIRST).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(DELIVERIES_OF_0100).execute(db);
  await sql.raw(DISPATCH_USER_EVENTS).execute(db);
  await sql`DROP TRIGGER IF EXISTS user_tombstones_end_memberships ON user_tombstones`.execute(db);
  await sql`DROP TRIGGER IF EXISTS users_link_memberships ON users`.execute(db);
  await sql`
    DROP TABLE IF EXISTS organization_membership_tombstones, organization_tombstones, organization_invitations,
      organization_memberships, organizations
  `.execute(db);
  await sql`
    DROP FUNCTION IF EXISTS
      usersync_apply_clerk_organization_invitation_upsert(jsonb, jsonb),
      usersync_apply_clerk_organization_membership_delete(jsonb, jsonb),
      usersync_apply_clerk_organization_membership_upsert(jsonb, jsonb),
      usersync_apply_clerk_organization_delete(jsonb, jsonb),
      usersync_apply_clerk_organization_upsert(jsonb, jsonb),
      usersync_organization_outcome(text, text),
      usersync_write_organization_invitation(jsonb),
      usersync_delete_organization_membership(text, text, text, timestamptz),
      usersync_write_organization_membership(jsonb, jsonb),
      usersync_delete_organization(text, timestamptz, text),
      usersync_write_organization(jsonb),
      usersync_end_user_memberships(),
      usersync_link_organization_memberships(),
      usersync_link_user_memberships(),
      usersync_lock_clerk_id(text, text)
  `.execute(db);
}

// The texts this migration ran, written out (they were generated by TypeScript templates until
// docs/decisions/140; the SQL is unchanged).

// usersync_apply_clerk_event with the WHENs of 2026_11_30_0100 and this migration's.
const DISPATCH_USER_AND_ORGANIZATION_EVENTS = `
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_event(
      p_kind text, p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      CASE p_kind
        WHEN 'user.upsert' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_upsert(p_data, p_options);
        WHEN 'user.delete' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_delete(p_data, p_options);
        WHEN 'organization.upsert' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_upsert(p_data, p_options);
        WHEN 'organization.delete' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_delete(p_data, p_options);
        WHEN 'organization_membership.upsert' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_membership_upsert(p_data, p_options);
        WHEN 'organization_membership.delete' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_membership_delete(p_data, p_options);
        WHEN 'organization_invitation.upsert' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_invitation_upsert(p_data, p_options);
        ELSE
          RAISE EXCEPTION 'usersync: no handler for event kind %', p_kind;
      END CASE;
    END $$`;

// usersync_apply_clerk_event as 2026_11_30_0100 made it (for down()).
const DISPATCH_USER_EVENTS = `
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_event(
      p_kind text, p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      CASE p_kind
        WHEN 'user.upsert' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_upsert(p_data, p_options);
        WHEN 'user.delete' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_delete(p_data, p_options);
        ELSE
          RAISE EXCEPTION 'usersync: no handler for event kind %', p_kind;
      END CASE;
    END $$`;

// usersync_apply_clerk_deliveries as this migration makes it: the text of 2026_11_30_0100 with every lock
// key of the statement (lock_key and lock_keys of every delivery) taken first, in one order. The
// per-delivery lock in the loop is then already held.
const DELIVERIES_LOCKING_EVERY_SUBJECT_FIRST = `
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_deliveries(p_deliveries jsonb, p_options jsonb)
    RETURNS TABLE (ordinal integer, status text, reason text, user_id uuid) LANGUAGE plpgsql AS $$
    DECLARE
      d record;
      k record;
      result record;
      -- Not the OUT columns themselves: "status" would be ambiguous with webhook_events.status.
      v_status text;
      v_reason text;
      v_user_id uuid;
      prior_status text;
    BEGIN
      FOR k IN
        SELECT key FROM (
          SELECT e.value->>'lock_key' AS key FROM jsonb_array_elements(p_deliveries) AS e(value)
          UNION
          SELECT x.key FROM jsonb_array_elements(p_deliveries) AS e(value),
            jsonb_array_elements_text(CASE jsonb_typeof(e.value->'lock_keys')
              WHEN 'array' THEN e.value->'lock_keys' ELSE '[]'::jsonb END) AS x(key)
        ) keys
        WHERE key IS NOT NULL
        ORDER BY key COLLATE "C"
      LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(k.key, 0));
      END LOOP;
      FOR d IN
        SELECT e.ord::integer AS ord, e.value->>'svix_id' AS svix_id,
          coalesce(e.value->>'source', 'clerk') AS source, e.value->>'type' AS type,
          e.value->>'clerk_user_id' AS clerk_user_id, e.value->'payload' AS payload,
          e.value->>'lock_key' AS lock_key, e.value->>'kind' AS kind, e.value->'data' AS data,
          e.value->>'status' AS decided_status, e.value->>'reason' AS decided_reason
        FROM jsonb_array_elements(p_deliveries) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'lock_key' COLLATE "C" NULLS LAST, e.value->>'svix_id' COLLATE "C"
      LOOP
        v_user_id := NULL;
        v_reason := NULL;
        BEGIN
          IF d.lock_key IS NOT NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(d.lock_key, 0));
          END IF;
          -- Under the lock, a delivery of the same svix-id (same body, same lock key) has committed or
          -- not started: one look decides. invalid and failed deliveries are applied again.
          SELECT w.status INTO prior_status FROM webhook_events w WHERE w.svix_id = d.svix_id;
          IF FOUND AND prior_status NOT IN ('invalid', 'failed') THEN
            v_status := 'duplicate';
            v_reason := 'delivery already processed';
          ELSE
            IF d.kind IS NULL THEN
              v_status := d.decided_status;
              v_reason := d.decided_reason;
            ELSE
              SELECT * INTO result FROM usersync_apply_clerk_event(d.kind, d.data, p_options);
              v_status := result.status;
              v_reason := result.reason;
              v_user_id := result.user_id;
            END IF;
            -- Recorded with its outcome in one write.
            INSERT INTO webhook_events AS w
              (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, d.payload, v_status, v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
              payload = excluded.payload, status = excluded.status, error = excluded.error,
              processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
            IF NOT FOUND THEN
              -- A delivery without a lock key raced another of the same svix-id, which won: undo ours.
              RAISE EXCEPTION USING ERRCODE = 'UU001', MESSAGE = 'delivery already processed';
            END IF;
          END IF;
        EXCEPTION WHEN SQLSTATE 'UU001' THEN
          v_status := 'duplicate';
          v_reason := 'delivery already processed';
          v_user_id := NULL;
        WHEN OTHERS THEN
          v_status := 'failed';
          v_reason := SQLSTATE || ': ' || left(SQLERRM, 1990);
          v_user_id := NULL;
          BEGIN
            INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, 'failed', v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              status = 'failed', error = excluded.error, processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
          EXCEPTION WHEN OTHERS THEN
            NULL; -- the delivery's own error is what the caller reports
          END;
        END;
        ordinal := d.ord;
        status := v_status;
        reason := v_reason;
        user_id := v_user_id;
        RETURN NEXT;
      END LOOP;
    END $$`;

// usersync_apply_clerk_deliveries as 2026_11_30_0100 made it (for down()).
const DELIVERIES_OF_0100 = `
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_deliveries(p_deliveries jsonb, p_options jsonb)
    RETURNS TABLE (ordinal integer, status text, reason text, user_id uuid) LANGUAGE plpgsql AS $$
    DECLARE
      d record;
      k record;
      result record;
      -- Not the OUT columns themselves: "status" would be ambiguous with webhook_events.status.
      v_status text;
      v_reason text;
      v_user_id uuid;
      prior_status text;
    BEGIN
      FOR d IN
        SELECT e.ord::integer AS ord, e.value->>'svix_id' AS svix_id,
          coalesce(e.value->>'source', 'clerk') AS source, e.value->>'type' AS type,
          e.value->>'clerk_user_id' AS clerk_user_id, e.value->'payload' AS payload,
          e.value->>'lock_key' AS lock_key, e.value->>'kind' AS kind, e.value->'data' AS data,
          e.value->>'status' AS decided_status, e.value->>'reason' AS decided_reason
        FROM jsonb_array_elements(p_deliveries) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'lock_key' COLLATE "C" NULLS LAST, e.value->>'svix_id' COLLATE "C"
      LOOP
        v_user_id := NULL;
        v_reason := NULL;
        BEGIN
          IF d.lock_key IS NOT NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(d.lock_key, 0));
          END IF;
          -- Under the lock, a delivery of the same svix-id (same body, same lock key) has committed or
          -- not started: one look decides. invalid and failed deliveries are applied again.
          SELECT w.status INTO prior_status FROM webhook_events w WHERE w.svix_id = d.svix_id;
          IF FOUND AND prior_status NOT IN ('invalid', 'failed') THEN
            v_status := 'duplicate';
            v_reason := 'delivery already processed';
          ELSE
            IF d.kind IS NULL THEN
              v_status := d.decided_status;
              v_reason := d.decided_reason;
            ELSE
              SELECT * INTO result FROM usersync_apply_clerk_event(d.kind, d.data, p_options);
              v_status := result.status;
              v_reason := result.reason;
              v_user_id := result.user_id;
            END IF;
            -- Recorded with its outcome in one write.
            INSERT INTO webhook_events AS w
              (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, d.payload, v_status, v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
              payload = excluded.payload, status = excluded.status, error = excluded.error,
              processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
            IF NOT FOUND THEN
              -- A delivery without a lock key raced another of the same svix-id, which won: undo ours.
              RAISE EXCEPTION USING ERRCODE = 'UU001', MESSAGE = 'delivery already processed';
            END IF;
          END IF;
        EXCEPTION WHEN SQLSTATE 'UU001' THEN
          v_status := 'duplicate';
          v_reason := 'delivery already processed';
          v_user_id := NULL;
        WHEN OTHERS THEN
          v_status := 'failed';
          v_reason := SQLSTATE || ': ' || left(SQLERRM, 1990);
          v_user_id := NULL;
          BEGIN
            INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, 'failed', v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              status = 'failed', error = excluded.error, processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
          EXCEPTION WHEN OTHERS THEN
            NULL; -- the delivery's own error is what the caller reports
          END;
        END;
        ordinal := d.ord;
        status := v_status;
        reason := v_reason;
        user_id := v_user_id;
        RETURN NEXT;
      END LOOP;
    END $$`;
