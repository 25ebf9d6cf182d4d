import { sql, type Transaction } from 'kysely';
import {
  type ClerkWebhookEnvelope,
  clerkDeletedObjectSchema,
  clerkWebhookEnvelopeSchema,
  describeZodError,
  MAX_CLERK_ID_LENGTH,
} from '../clerk/clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { isDatabaseUnavailableError } from '../db/create-database.ts';
import type { Database, WebhookEventStatus } from '../db/schema.ts';
import { InvalidClerkUserError } from './errors.ts';
import { mapClerkUser } from './map-clerk-user.ts';
import { storableJsonProblem } from './storable-json.ts';
import { type SyncOptions, withDefaults } from './sync-options.ts';
import { deleteClerkUser, lockClerkUser, writeClerkUser } from './write-clerk-user.ts';

export interface ClerkDelivery {
  /** The `svix-id` header: stable across Svix's retries of one delivery. */
  svixId: string;
  /** The exact body whose signature was verified (not yet parsed). */
  body: string;
  /** webhook_events.source: 'clerk' (default) for Svix deliveries, 'replay' for `usersync webhook replay`. */
  source?: string;
}

export type ApplyStatus = Exclude<WebhookEventStatus, 'received' | 'failed'>;

export interface ApplyResult {
  status: ApplyStatus;
  svixId: string;
  type: string | null;
  clerkUserId: string | null;
  /** Why a delivery is invalid, stale or ignored. */
  reason?: string;
  /** Our users.id, when a row was written or read. */
  userId?: string;
}

type Outcome = { status: ApplyStatus; reason?: string; userId?: string };

const RETRYABLE = ['invalid', 'failed'] as const;

/**
 * Applies one verified Clerk webhook delivery in one transaction, recording it in webhook_events.
 * - A delivery already processed (same svix-id) is answered `duplicate` and changes nothing.
 * - `invalid` and `failed` deliveries are tried again when Svix redelivers them.
 * - Throws only for our own failures (database down, bugs): the caller answers 5xx so Svix retries.
 */
export async function applyClerkEvent(
  db: Db,
  delivery: ClerkDelivery,
  options?: SyncOptions,
): Promise<ApplyResult> {
  const opts = withDefaults(options);
  const parsed = parseDelivery(delivery.body);
  const type = parsed.envelope?.type ?? null;
  const clerkUserId = parsed.clerkUserId;
  const base = { svixId: delivery.svixId, type, clerkUserId };

  try {
    return await db.transaction().execute(async (trx) => {
      // Claims the svix-id. A concurrent delivery of the same id waits here for us to commit, then
      // finds the row taken; a row left invalid or failed is claimed again.
      const claimed = await trx
        .insertInto('webhook_events')
        .values({
          svix_id: delivery.svixId,
          source: delivery.source ?? 'clerk',
          type,
          clerk_user_id: clerkUserId,
          payload: parsed.json === undefined ? null : JSON.stringify(parsed.json),
          status: 'received',
        })
        .onConflict((oc) =>
          oc
            .column('svix_id')
            .doUpdateSet({
              attempts: sql`webhook_events.attempts + 1`,
              type: (eb) => eb.ref('excluded.type'),
              clerk_user_id: (eb) => eb.ref('excluded.clerk_user_id'),
              payload: (eb) => eb.ref('excluded.payload'),
            })
            .where('webhook_events.status', 'in', RETRYABLE),
        )
        .returning('svix_id')
        .executeTakeFirst();
      if (!claimed) return { ...base, status: 'duplicate' as const, reason: 'delivery already processed' };

      const outcome = await applyParsed(trx, parsed, opts);
      await trx
        .updateTable('webhook_events')
        .set({ status: outcome.status, error: outcome.reason ?? null, processed_at: new Date() })
        .where('svix_id', '=', delivery.svixId)
        .execute();
      return { ...base, ...outcome };
    });
  } catch (error) {
    // Our own failure: nothing of the transaction stayed. Leave a trace when the database is still there.
    if (!isDatabaseUnavailableError(error)) await recordFailure(db, delivery, base, error);
    throw error;
  }
}

interface ParsedDelivery {
  json: unknown;
  envelope: ClerkWebhookEnvelope | null;
  clerkUserId: string | null;
  problem: string | null;
}

const unusable = { json: undefined, envelope: null, clerkUserId: null } as const;

function parseDelivery(body: string): ParsedDelivery {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    // The parser's message quotes the body; the reason is stored, logged and answered, so keep only where.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    return {
      ...unusable,
      problem: position === undefined ? 'body is not JSON' : `body is not JSON (at position ${position})`,
    };
  }
  // Signed bodies can still be hostile. Keep the record, without a payload jsonb would refuse.
  const problem = storableJsonProblem(json);
  if (problem) return { ...unusable, problem: `body ${problem}` };
  const envelope = clerkWebhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    return { json, envelope: null, clerkUserId: null, problem: describeZodError(envelope.error) };
  }
  const id = envelope.data.data.id;
  const clerkUserId = typeof id === 'string' && id.length > 0 && id.length <= MAX_CLERK_ID_LENGTH ? id : null;
  return { json, envelope: envelope.data, clerkUserId, problem: null };
}

async function applyParsed(
  trx: Transaction<Database>,
  parsed: ParsedDelivery,
  opts: Required<SyncOptions>,
): Promise<Outcome> {
  const { envelope } = parsed;
  if (!envelope) return { status: 'invalid', reason: parsed.problem ?? 'unusable payload' };

  switch (envelope.type) {
    case 'user.created':
    case 'user.updated': {
      let fields: ReturnType<typeof mapClerkUser>;
      try {
        fields = mapClerkUser(envelope.data);
      } catch (error) {
        if (error instanceof InvalidClerkUserError) return { status: 'invalid', reason: error.message };
        throw error;
      }
      await lockClerkUser(trx, fields.clerk_id);
      const { outcome, user } = await writeClerkUser(trx, fields, opts.defaultRole);
      const userId = user?.id;
      switch (outcome) {
        case 'created':
        case 'updated':
          return { status: 'applied', userId };
        case 'unchanged':
          return { status: 'duplicate', reason: 'this version of the user is already stored', userId };
        case 'stale':
          return { status: 'stale', reason: 'a newer version of the user is already stored', userId };
        case 'deleted':
          return { status: 'stale', reason: 'the user was deleted; deletion is final', userId };
      }
      break;
    }
    case 'user.deleted': {
      const data = clerkDeletedObjectSchema.safeParse(envelope.data);
      if (!data.success) return { status: 'invalid', reason: describeZodError(data.error, 'data') };
      await lockClerkUser(trx, data.data.id);
      const deletedAt = envelope.timestamp === undefined ? new Date() : new Date(envelope.timestamp);
      const { alreadyDeleted } = await deleteClerkUser(trx, data.data.id, deletedAt, opts.deleteMode);
      return alreadyDeleted
        ? { status: 'duplicate', reason: 'the user was already deleted' }
        : { status: 'applied' };
    }
    default:
      return { status: 'ignored', reason: `event type ${envelope.type} is not handled` };
  }
  return { status: 'invalid', reason: 'unreachable' };
}

async function recordFailure(
  db: Db,
  delivery: ClerkDelivery,
  base: { type: string | null; clerkUserId: string | null },
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await db
      .insertInto('webhook_events')
      .values({
        svix_id: delivery.svixId,
        source: delivery.source ?? 'clerk',
        type: base.type,
        clerk_user_id: base.clerkUserId,
        status: 'failed',
        error: message.slice(0, 2000),
        payload: null,
        processed_at: new Date(),
      })
      .onConflict((oc) =>
        oc
          .column('svix_id')
          .doUpdateSet({ status: 'failed', error: message.slice(0, 2000), processed_at: new Date() })
          .where('webhook_events.status', 'in', RETRYABLE),
      )
      .execute();
  } catch {
    // The original error is what matters; it is rethrown by the caller.
  }
}
