// Shared by the fault suites: real API processes (the production build), signed deliveries sent over
// HTTP on loopback, event histories, and the database state they are judged by.

import { randomBytes } from 'node:crypto';
import type { Db } from '@usersync/core/internal';
import { applyClerkEvent, clerkId, sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import { testClerkKeys } from '@usersync/testing/clerk';
import { type ApiProcess, startApiProcess } from '@usersync/testing/processes';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import pg from 'pg';
import { scratchDir } from '../src/paths.ts';

export interface ApiUnderTest extends ApiProcess {
  secret: string;
}

/** One production API process on `databaseUrl`, with a fresh webhook signing secret unless given. */
export async function startApi(
  databaseUrl: string,
  name: string,
  options: { secret?: string; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<ApiUnderTest> {
  const secret = options.secret ?? testWebhookSecret();
  const keys = testClerkKeys();
  const api = await startApiProcess({
    logDir: scratchDir(),
    name,
    ...(options.nodeArgs && { nodeArgs: options.nodeArgs }),
    env: {
      DATABASE_URL: databaseUrl,
      CLERK_WEBHOOK_SIGNING_SECRET: secret,
      CLERK_SECRET_KEY: keys.secretKey,
      CLERK_PUBLISHABLE_KEY: keys.publishableKey,
      WEB_ORIGIN: 'http://127.0.0.1:5173',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  return Object.assign(api, { secret });
}

/** A delivery as Svix holds it: the same svix-id and body on every attempt. */
export interface Delivery {
  svixId: string;
  body: string;
  /** For reading test failures: `user.updated user_x v2`. */
  label: string;
}

export interface SendResult {
  status: number;
  body: string;
}

/** Posts a delivery signed now (as each Svix attempt is), with a bounded wait. */
export async function send(api: ApiUnderTest, delivery: Delivery, timeoutMs = 15_000): Promise<SendResult> {
  const headers = signSvixDelivery(api.secret, delivery.body, { svixId: delivery.svixId });
  try {
    const response = await fetch(`${api.url}/api/webhooks/clerk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    // No answer at all (connection reset, timeout): Svix treats it as a failure and retries.
    return { status: 0, body: String(error) };
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const index = next++;
        if (index >= items.length) return;
        results[index] = await task(items[index] as T, index);
      }
    }),
  );
  return results;
}

export interface HistoryOptions {
  users: number;
  /** Versions after the first (user.updated events). */
  updates: number;
  /** Every n-th user is deleted at the end of its history. */
  deleteEvery: number;
}

/**
 * Event histories as Clerk would emit them, in Clerk's order: per user a user.created, then updates
 * with increasing updated_at, and for some a user.deleted. Emails are unique per user.
 */
export function userHistories(options: HistoryOptions): {
  deliveries: Delivery[];
  emails: string[];
  clerkIds: Set<string>;
} {
  const deliveries: Delivery[] = [];
  const emails: string[] = [];
  const clerkIds = new Set<string>();
  const run = randomBytes(4).toString('hex');
  const base = 1_780_000_000_000;
  for (let u = 0; u < options.users; u++) {
    const id = `user_${run}${String(u).padStart(4, '0')}`;
    const createdAt = base + u * 1_000;
    emails.push(`${id}@example.com`);
    clerkIds.add(id);
    for (let v = 0; v <= options.updates; v++) {
      const user = sampleClerkUser({
        id,
        createdAt,
        updatedAt: createdAt + v * 10,
        firstName: `Ada v${v}`,
        lastName: `Lovelace ${u}`,
        publicMetadata: { version: v },
      });
      const type = v === 0 ? 'user.created' : 'user.updated';
      deliveries.push({
        svixId: clerkId('msg'),
        body: JSON.stringify(sampleClerkEvent(type, user, { timestamp: createdAt + v * 10 })),
        label: `${type} ${id} v${v}`,
      });
    }
    if (options.deleteEvery > 0 && u % options.deleteEvery === 0) {
      deliveries.push({
        svixId: clerkId('msg'),
        body: JSON.stringify(sampleClerkEvent('user.deleted', { id }, { timestamp: createdAt + 500 })),
        label: `user.deleted ${id}`,
      });
    }
  }
  return { deliveries, emails, clerkIds };
}

/** Interleaves per-user histories the way a busy instance emits them, keeping each user's own order. */
export function interleave(deliveries: readonly Delivery[], seed: number): Delivery[] {
  const byUser = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    const user = d.label.split(' ')[1] as string;
    byUser.set(user, [...(byUser.get(user) ?? []), d]);
  }
  const queues = [...byUser.values()];
  const random = seededRandom(seed);
  const out: Delivery[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    out.push((open[Math.floor(random() * open.length)] as Delivery[]).shift() as Delivery);
  }
  return out;
}

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** mulberry32: a small seeded generator, so a failing order can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The reference: one process applying the deliveries in order through core, on its own database. */
export async function applyInOrder(db: Db, deliveries: readonly Delivery[]): Promise<void> {
  for (const d of deliveries) {
    const result = await applyClerkEvent(db, { svixId: d.svixId, body: d.body });
    if (result.status === 'invalid') throw new Error(`reference: ${d.label} is invalid: ${result.reason}`);
  }
}

export interface ComparableState {
  /** Users that exist in Clerk's eyes (not tombstoned), every Clerk-owned and app-owned column. */
  liveUsers: Record<string, unknown>[];
  /** Deleted Clerk ids with the deletion time. */
  tombstones: Record<string, unknown>[];
  /**
   * Rows of tombstoned users that are still there: inactive with deleted_at, or absent when the delete
   * arrived before the create (which then never creates the row). Both mean "deleted".
   */
  deletedRowsActive: number;
  usersWithoutSettings: number;
  events: Array<{ svix_id: string; status: string }>;
}

/**
 * The state a delivery history leaves, in a form two databases can be compared by: `liveUsers` and
 * `tombstones` must be equal whatever the order of arrival (docs/decisions/043).
 */
export async function readState(url: string): Promise<ComparableState> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const liveUsers = await client.query(`
      SELECT clerk_id, email, email_verified, first_name, last_name, username, image_url, phone_number,
             phone_verified, role, public_metadata, app_metadata, is_active, deleted_at, last_sign_in_at,
             clerk_created_at, clerk_updated_at
      FROM users u
      WHERE NOT EXISTS (SELECT 1 FROM user_tombstones t WHERE t.clerk_id = u.clerk_id)
      ORDER BY clerk_id`);
    const tombstones = await client.query(
      'SELECT clerk_id, deleted_at FROM user_tombstones ORDER BY clerk_id',
    );
    const deletedRowsActive = await client.query(`
      SELECT count(*)::int AS n FROM users u JOIN user_tombstones t USING (clerk_id)
      WHERE u.is_active OR u.deleted_at IS NULL`);
    const withoutSettings = await client.query(`
      SELECT count(*)::int AS n FROM users u LEFT JOIN user_settings s ON s.user_id = u.id WHERE s.user_id IS NULL`);
    const events = await client.query('SELECT svix_id, status FROM webhook_events ORDER BY svix_id');
    return {
      liveUsers: liveUsers.rows,
      tombstones: tombstones.rows,
      deletedRowsActive: deletedRowsActive.rows[0].n,
      usersWithoutSettings: withoutSettings.rows[0].n,
      events: events.rows,
    };
  } finally {
    await client.end();
  }
}
