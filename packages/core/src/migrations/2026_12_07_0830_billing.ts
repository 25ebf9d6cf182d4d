import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code.
// Clerk Billing mirrored (decision 182): subscriptions and their items, each naming its payer by Clerk id
// (exactly one of clerk_user_id / clerk_organization_id) plus our row's id when that row exists at write
// time (reads join on the Clerk id, so a payer stored later is still found). clerk_updated_at is the
// ordering key: a subscription's updated_at; for an item, the event's timestamp or its subscription's
// updated_at (item payloads carry none). No personal data: the payer's email and names stay in Clerk.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE billing_subscriptions (
      id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      clerk_id              text NOT NULL UNIQUE CHECK (char_length(clerk_id) BETWEEN 1 AND 255),
      status                text NOT NULL CHECK (char_length(status) BETWEEN 1 AND 32),
      clerk_user_id         text CHECK (char_length(clerk_user_id) BETWEEN 1 AND 255),
      clerk_organization_id text CHECK (char_length(clerk_organization_id) BETWEEN 1 AND 255),
      user_id               uuid REFERENCES users (id) ON DELETE SET NULL,
      organization_id       uuid REFERENCES organizations (id) ON DELETE SET NULL,
      active_at             timestamptz,
      past_due_at           timestamptz,
      canceled_at           timestamptz,
      ended_at              timestamptz,
      clerk_updated_at      timestamptz NOT NULL,
      created_at            timestamptz NOT NULL DEFAULT now(),
      updated_at            timestamptz NOT NULL DEFAULT now(),
      CHECK ((clerk_user_id IS NULL) <> (clerk_organization_id IS NULL))
    )
  `.execute(db);
  await sql`
    CREATE TABLE billing_subscription_items (
      id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      clerk_id              text NOT NULL UNIQUE CHECK (char_length(clerk_id) BETWEEN 1 AND 255),
      status                text NOT NULL CHECK (char_length(status) BETWEEN 1 AND 32),
      plan_slug             text CHECK (char_length(plan_slug) <= 256),
      plan_name             text CHECK (char_length(plan_name) <= 256),
      plan_period           text CHECK (char_length(plan_period) <= 16),
      period_start          timestamptz,
      period_end            timestamptz,
      canceled_at           timestamptz,
      past_due_at           timestamptz,
      clerk_user_id         text CHECK (char_length(clerk_user_id) BETWEEN 1 AND 255),
      clerk_organization_id text CHECK (char_length(clerk_organization_id) BETWEEN 1 AND 255),
      user_id               uuid REFERENCES users (id) ON DELETE SET NULL,
      organization_id       uuid REFERENCES organizations (id) ON DELETE SET NULL,
      clerk_updated_at      timestamptz NOT NULL,
      created_at            timestamptz NOT NULL DEFAULT now(),
      updated_at            timestamptz NOT NULL DEFAULT now(),
      -- An item event without a payer leaves both null until one names it.
      CHECK (clerk_user_id IS NULL OR clerk_organization_id IS NULL)
    )
  `.execute(db);
  for (const table of ['billing_subscriptions', 'billing_subscription_items']) {
    await sql`CREATE INDEX ${sql.id(`${table}_clerk_user_idx`)} ON ${sql.table(table)} (clerk_user_id)
      WHERE clerk_user_id IS NOT NULL`.execute(db);
    await sql`CREATE INDEX ${sql.id(`${table}_clerk_org_idx`)} ON ${sql.table(table)} (clerk_organization_id)
      WHERE clerk_organization_id IS NOT NULL`.execute(db);
    await sql`CREATE INDEX ${sql.id(`${table}_status_idx`)} ON ${sql.table(table)} (status)`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_touch_updated_at`)} BEFORE UPDATE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION usersync_touch_updated_at()
    `.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE billing_subscription_items`.execute(db);
  await sql`DROP TABLE billing_subscriptions`.execute(db);
}
