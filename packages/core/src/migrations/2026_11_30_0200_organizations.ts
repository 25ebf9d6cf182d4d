import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code, so later schema changes never rewrite it.
//
// Organizations, memberships and organization invitations, and the rules that write them as PL/pgSQL
// functions: one delivery is one statement (docs/decisions/080). The TypeScript side parses and maps
// Clerk's payloads into a flat JSON object of column values (ISO timestamps) and calls these.
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
  // under its own ordering guard. Locks in one order everywhere: organization, user, membership.
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
      PERFORM usersync_lock_clerk_id('user', v_user);
      PERFORM usersync_lock_clerk_id('organization_membership', v_clerk_id);
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
      IF p_clerk_user_id IS NOT NULL THEN PERFORM usersync_lock_clerk_id('user', p_clerk_user_id); END IF;
      PERFORM usersync_lock_clerk_id('organization_membership', p_clerk_id);
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

  // One delivery, one statement: claims the svix-id in webhook_events (a delivery already processed is
  // a duplicate; one left invalid or failed is tried again), applies one rule, records the outcome.
  // Returns { status, reason }.
  await sql`
    CREATE FUNCTION usersync_apply_organization_delivery(
      p_svix_id text, p_source text, p_type text, p_clerk_user_id text, p_payload jsonb,
      p_action text, p_fields jsonb, p_delete_mode text)
    RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      v_claimed boolean;
      v_outcome text;
      v_status  text;
      v_reason  text;
      v_noun    text := CASE WHEN p_action LIKE '%membership' THEN 'membership'
                             WHEN p_action LIKE '%invitation' THEN 'invitation' ELSE 'organization' END;
    BEGIN
      INSERT INTO webhook_events (svix_id, source, type, clerk_user_id, payload, status)
      VALUES (p_svix_id, p_source, p_type, p_clerk_user_id, p_payload, 'received')
      ON CONFLICT (svix_id) DO UPDATE SET
        attempts = webhook_events.attempts + 1, type = EXCLUDED.type,
        clerk_user_id = EXCLUDED.clerk_user_id, payload = EXCLUDED.payload
      WHERE webhook_events.status IN ('invalid', 'failed')
      RETURNING true INTO v_claimed;
      IF v_claimed IS NULL THEN
        RETURN jsonb_build_object('status', 'duplicate', 'reason', 'delivery already processed');
      END IF;

      v_outcome := CASE p_action
        WHEN 'write_organization' THEN usersync_write_organization(p_fields)
        WHEN 'delete_organization' THEN usersync_delete_organization(
          p_fields->>'clerk_id', (p_fields->>'deleted_at')::timestamptz, p_delete_mode)
        WHEN 'write_organization_membership' THEN usersync_write_organization_membership(
          p_fields, p_fields->'organization')
        WHEN 'delete_organization_membership' THEN usersync_delete_organization_membership(
          p_fields->>'clerk_id', p_fields->>'clerk_organization_id', p_fields->>'clerk_user_id',
          (p_fields->>'deleted_at')::timestamptz)
        WHEN 'write_organization_invitation' THEN usersync_write_organization_invitation(p_fields)
      END;
      IF v_outcome IS NULL THEN
        RAISE EXCEPTION 'usersync_apply_organization_delivery: unknown action %', p_action;
      END IF;

      SELECT s, r INTO v_status, v_reason FROM (VALUES
        ('created', 'applied', NULL),
        ('updated', 'applied', NULL),
        ('deleted-now', 'applied', NULL),
        ('unchanged', 'duplicate', 'this version of the ' || v_noun || ' is already stored'),
        ('stale', 'stale', 'a newer version of the ' || v_noun || ' is already stored'),
        ('deleted', 'stale', 'the ' || v_noun || ' was deleted; deletion is final'),
        ('already-deleted', 'duplicate', 'the ' || v_noun || ' was already deleted'),
        ('organization-deleted', 'stale', 'the organization was deleted; its memberships ended'),
        ('user-deleted', 'stale', 'the user was deleted; their memberships ended')
      ) AS outcomes (o, s, r)
      WHERE o = CASE WHEN p_action LIKE 'delete%' AND v_outcome = 'deleted' THEN 'deleted-now' ELSE v_outcome END;

      UPDATE webhook_events SET status = v_status, error = v_reason, processed_at = now()
      WHERE svix_id = p_svix_id;
      RETURN jsonb_build_object('status', v_status, 'reason', v_reason, 'outcome', v_outcome);
    END $$
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS user_tombstones_end_memberships ON user_tombstones`.execute(db);
  await sql`DROP TRIGGER IF EXISTS users_link_memberships ON users`.execute(db);
  await sql`
    DROP TABLE IF EXISTS organization_membership_tombstones, organization_tombstones, organization_invitations,
      organization_memberships, organizations
  `.execute(db);
  await sql`
    DROP FUNCTION IF EXISTS
      usersync_apply_organization_delivery(text, text, text, text, jsonb, text, jsonb, text),
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
