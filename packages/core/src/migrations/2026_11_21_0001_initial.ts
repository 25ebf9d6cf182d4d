import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code, so later schema changes never rewrite it.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION usersync_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
  `.execute(db);

  await sql`
    CREATE TABLE users (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      clerk_id         text NOT NULL UNIQUE CHECK (char_length(clerk_id) BETWEEN 1 AND 255),
      email            text CHECK (char_length(email) <= 320),
      email_verified   boolean NOT NULL DEFAULT false,
      first_name       text CHECK (char_length(first_name) <= 256),
      last_name        text CHECK (char_length(last_name) <= 256),
      username         text CHECK (char_length(username) <= 256),
      image_url        text CHECK (char_length(image_url) <= 2048),
      phone_number     text CHECK (char_length(phone_number) <= 32),
      phone_verified   boolean NOT NULL DEFAULT false,
      role             text NOT NULL CHECK (char_length(role) BETWEEN 1 AND 64),
      public_metadata  jsonb NOT NULL DEFAULT '{}'::jsonb,
      app_metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
      is_active        boolean NOT NULL DEFAULT true,
      deleted_at       timestamptz,
      last_sign_in_at  timestamptz,
      clerk_created_at timestamptz,
      clerk_updated_at timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  // Email is not unique (Clerk can move an address between users); look-ups want the active owner.
  await sql`CREATE INDEX users_active_email_idx ON users (lower(email)) WHERE is_active`.execute(db);
  await sql`CREATE INDEX users_created_at_idx ON users (created_at, id)`.execute(db);
  await sql`
    CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION usersync_touch_updated_at()
  `.execute(db);

  await sql`
    CREATE TABLE user_settings (
      user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      theme       text NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system')),
      preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`
    CREATE TRIGGER user_settings_touch_updated_at BEFORE UPDATE ON user_settings
    FOR EACH ROW EXECUTE FUNCTION usersync_touch_updated_at()
  `.execute(db);
  // Every user has settings, whoever inserts the row.
  await sql`
    CREATE FUNCTION usersync_create_user_settings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO user_settings (user_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      RETURN NEW;
    END $$;
  `.execute(db);
  await sql`
    CREATE TRIGGER users_create_settings AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION usersync_create_user_settings()
  `.execute(db);

  await sql`
    CREATE TABLE user_tombstones (
      clerk_id   text PRIMARY KEY,
      deleted_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);

  await sql`
    CREATE TABLE webhook_events (
      svix_id       text PRIMARY KEY CHECK (char_length(svix_id) BETWEEN 1 AND 255),
      source        text NOT NULL DEFAULT 'clerk',
      type          text,
      clerk_user_id text,
      payload       jsonb,
      status        text NOT NULL
                    CHECK (status IN ('received', 'applied', 'duplicate', 'stale', 'ignored', 'invalid', 'failed')),
      error         text,
      attempts      integer NOT NULL DEFAULT 1,
      created_at    timestamptz NOT NULL DEFAULT now(),
      processed_at  timestamptz
    )
  `.execute(db);
  await sql`CREATE INDEX webhook_events_source_created_at_idx ON webhook_events (source, created_at DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX webhook_events_clerk_user_id_idx ON webhook_events (clerk_user_id)`.execute(db);

  await sql`
    CREATE TABLE invitations (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email              text NOT NULL CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 320),
      role               text NOT NULL CHECK (char_length(role) BETWEEN 1 AND 64),
      data               jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at         timestamptz NOT NULL DEFAULT now(),
      claimed_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      claimed_at         timestamptz
    )
  `.execute(db);
  // At most one open invitation per address; claimed ones stay as history.
  await sql`CREATE UNIQUE INDEX invitations_open_email_idx ON invitations (email) WHERE claimed_at IS NULL`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS invitations, webhook_events, user_tombstones, user_settings, users`.execute(
    db,
  );
  await sql`DROP FUNCTION IF EXISTS usersync_create_user_settings(), usersync_touch_updated_at()`.execute(db);
}
