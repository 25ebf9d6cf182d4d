// What both yardstick receivers of the webhook ingest benchmark store (baseline-receiver.ts,
// lean-receiver.ts): the tutorials' table and its one upsert. No dedupe, ordering, tombstones or log.
import type pg from 'pg';

/** The tutorials' table: Clerk's id as the key, a few profile columns. */
export const BASELINE_SCHEMA = `
  CREATE TABLE users (
    clerk_id   text PRIMARY KEY,
    email      text,
    first_name text,
    last_name  text,
    image_url  text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;

/** The fields of a Clerk user payload the upsert stores. */
export interface ClerkUserFields {
  id: string;
  primary_email_address_id: string | null;
  email_addresses: Array<{ id: string; email_address: string }>;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
}

/** One `INSERT … ON CONFLICT (clerk_id) DO UPDATE`, as Clerk's docs and most tutorials write it. */
export async function upsertUser(pool: pg.Pool, user: ClerkUserFields): Promise<void> {
  const email = user.email_addresses.find((e) => e.id === user.primary_email_address_id)?.email_address;
  await pool.query(
    `INSERT INTO users (clerk_id, email, first_name, last_name, image_url)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (clerk_id) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name,
       last_name = EXCLUDED.last_name, image_url = EXCLUDED.image_url, updated_at = now()`,
    [user.id, email ?? null, user.first_name, user.last_name, user.image_url],
  );
}
