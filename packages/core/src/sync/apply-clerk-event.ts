import {
  type ClerkWebhookEnvelope,
  clerkWebhookEnvelopeSchema,
  describeZodError,
  MAX_CLERK_ID_LENGTH,
} from '../clerk/clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { isDatabaseUnavailableError } from '../db/create-database.ts';
import { runPrepared } from '../db/prepared-statement.ts';
import type { WebhookEventStatus } from '../db/schema.ts';
import { recordDeliveryFailures } from '../webhook-events/webhook-event.repository.ts';
import { CLERK_EVENT_HANDLERS } from './clerk-event-handlers.ts';
import {
  APPLY_DELIVERIES,
  applyLoneUserUpsert,
  groupParameters,
  type LoneDelivery,
  type LoneOutcome,
  loneDeliveryCounts,
} from './lone-user-upsert.ts';
import { storableJsonProblem } from './storable-json.ts';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions, withDefaults } from './sync-options.ts';

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
  /** The event's own `timestamp` (ms, when Clerk emitted it), when the envelope carried one. */
  eventTimestamp?: number;
}

/**
 * Our own failure while applying one delivery (a constraint the rule did not expect, a bug): it was
 * undone, recorded `failed` in webhook_events, and the caller answers 5xx so Svix retries.
 */
export class DeliveryFailedError extends Error {
  /** The SQLSTATE the database raised. */
  readonly code: string;
  constructor(svixId: string, reason: string) {
    super(`delivery ${svixId} could not be applied: ${reason}`);
    this.name = 'DeliveryFailedError';
    this.code = reason.split(':', 1)[0] ?? '';
  }
}

/** One delivery as usersync_apply_clerk_deliveries takes it (sync/usersync_apply_clerk_deliveries_together.sql). */
interface DeliveryRecord {
  svix_id: string;
  source: string;
  type: string | null;
  clerk_user_id: string | null;
  payload: unknown;
  lock_key: string | null;
  /** Further subjects' lock keys (PreparedClerkEvent.lockKeys). */
  lock_keys: string[] | null;
  kind: string | null;
  data: object | null;
  /** With kind null: the outcome decided here (invalid, ignored), only recorded. */
  status: ApplyStatus | null;
  reason: string | null;
}

interface DeliveryOutcome {
  ordinal: number;
  status: ApplyStatus | 'failed';
  reason: string | null;
  user_id: string | null;
}

/**
 * Applies one verified Clerk webhook delivery, recording it in webhook_events, in one statement.
 * - A delivery already processed (same svix-id) is answered `duplicate` and changes nothing.
 * - `invalid` and `failed` deliveries are tried again when Svix redelivers them.
 * - Throws only for our own failures (database down, bugs): the caller answers 5xx so Svix retries.
 * Deliveries that arrive while earlier ones are still being written share one statement (group commit,
 * see DeliveryGroups); each keeps its own outcome.
 */
export async function applyClerkEvent(
  db: Db,
  delivery: ClerkDelivery,
  options?: SyncOptions,
): Promise<ApplyResult> {
  return groupsFor(db).apply(prepareDelivery(delivery), options);
}

/**
 * Applies several deliveries in one statement and one transaction, each in its own subtransaction: a
 * delivery that fails is undone and recorded `failed` alone (its entry is a DeliveryFailedError), the
 * others keep their outcome. Order does not matter: the database takes them in lock order.
 */
export async function applyClerkEvents(
  db: Db,
  deliveries: readonly ClerkDelivery[],
  options?: SyncOptions,
): Promise<Array<ApplyResult | DeliveryFailedError>> {
  const prepared = deliveries.map(prepareDelivery);
  return runDeliveries(db, prepared, optionsJson(options));
}

interface PreparedDelivery {
  record: DeliveryRecord;
  result: Pick<ApplyResult, 'svixId' | 'type' | 'clerkUserId' | 'eventTimestamp'>;
}

// The API passes the same options object with every delivery: serialise it once.
const serialisedOptions = new WeakMap<SyncOptions, string>();
function optionsJson(options: SyncOptions | undefined): string {
  const cached = options && serialisedOptions.get(options);
  if (cached) return cached;
  const { defaultRole, deleteMode } = withDefaults(options);
  const json = JSON.stringify({ default_role: defaultRole, delete_mode: deleteMode });
  if (options) serialisedOptions.set(options, json);
  return json;
}

async function runDeliveries(
  db: Db,
  deliveries: readonly PreparedDelivery[],
  options: string,
): Promise<Array<ApplyResult | DeliveryFailedError>> {
  let rows: DeliveryOutcome[];
  try {
    // The whole rule of a group (claim, lock, handler, recorded status) is one statement.
    rows = await runPrepared<DeliveryOutcome & Record<string, unknown>>(
      db,
      APPLY_DELIVERIES,
      groupParameters(JSON.stringify(deliveries.map((d) => d.record)), options),
    );
  } catch (error) {
    // The statement failed as a whole (nothing of it stayed). Leave a trace when the database is there.
    if (!isDatabaseUnavailableError(error)) {
      await recordFailures(db, deliveries, error);
    }
    throw error;
  }
  const results: Array<ApplyResult | DeliveryFailedError> = new Array(deliveries.length);
  for (const row of rows) {
    results[row.ordinal - 1] = resultOf(deliveries[row.ordinal - 1]!, row);
  }
  return results;
}

function resultOf(
  { result }: PreparedDelivery,
  row: Omit<DeliveryOutcome, 'ordinal'>,
): ApplyResult | DeliveryFailedError {
  if (row.status === 'failed') return new DeliveryFailedError(result.svixId, row.reason ?? 'unknown error');
  return {
    ...result,
    status: row.status,
    ...(row.reason !== null && { reason: row.reason }),
    ...(row.user_id !== null && { userId: row.user_id }),
  };
}

/**
 * A delivery with nothing else in flight. A user upsert goes through the lone function
 * (lone-user-upsert.ts: ≈ half the group function's PostgreSQL time); if that raises, the group function
 * applies the delivery (and isolates and records the failure).
 */
async function runAlone(
  db: Db,
  delivery: PreparedDelivery,
  options: string,
  defaultRole: string,
): Promise<Array<ApplyResult | DeliveryFailedError>> {
  if (delivery.record.kind === 'user.upsert') {
    let outcome: LoneOutcome | null = null;
    try {
      outcome = await applyLoneUserUpsert(db, delivery.record as LoneDelivery, defaultRole);
    } catch (error) {
      if (isDatabaseUnavailableError(error)) throw error;
      loneDeliveryCounts.failed += 1;
    }
    if (outcome) return [resultOf(delivery, outcome)];
  }
  return runDeliveries(db, [delivery], options);
}

function prepareDelivery(delivery: ClerkDelivery): PreparedDelivery {
  const parsed = parseDelivery(delivery.body);
  const type = parsed.envelope?.type ?? null;
  const timestamp = parsed.envelope?.timestamp;
  const result = {
    svixId: delivery.svixId,
    type,
    clerkUserId: parsed.clerkUserId,
    ...(timestamp !== undefined && { eventTimestamp: timestamp }),
  };
  const record: DeliveryRecord = {
    svix_id: delivery.svixId,
    source: delivery.source ?? 'clerk',
    type,
    clerk_user_id: parsed.clerkUserId,
    payload: parsed.json === undefined ? null : parsed.json,
    // Deliveries of one svix-id are serialised by this lock, unless the event names a subject to lock.
    lock_key: `usersync:delivery:${delivery.svixId}`,
    lock_keys: null,
    kind: null,
    data: null,
    status: null,
    reason: null,
  };
  const decide = (status: ApplyStatus, reason: string): PreparedDelivery => ({
    record: { ...record, status, reason },
    result,
  });
  if (!parsed.envelope) return decide('invalid', parsed.problem ?? 'unusable payload');
  const handler = Object.hasOwn(CLERK_EVENT_HANDLERS, parsed.envelope.type)
    ? CLERK_EVENT_HANDLERS[parsed.envelope.type]
    : undefined;
  if (!handler) return decide('ignored', `event type ${parsed.envelope.type} is not handled`);
  const event = handler(parsed.envelope);
  if ('invalid' in event) return decide('invalid', event.invalid);
  if ('ignored' in event) return decide('ignored', event.ignored);
  return {
    record: {
      ...record,
      lock_key: event.lockKey,
      lock_keys: event.lockKeys ?? null,
      kind: event.kind,
      data: event.data,
    },
    result,
  };
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

async function recordFailures(
  db: Db,
  deliveries: readonly PreparedDelivery[],
  error: unknown,
): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  try {
    await recordDeliveryFailures(
      db,
      deliveries.map((d) => d.record),
      message,
    );
  } catch {
    // The original error is what matters; it is rethrown by the caller.
  }
}

interface Waiter {
  delivery: PreparedDelivery;
  options: string;
  defaultRole: string;
  resolve: (result: ApplyResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. One delivery statement runs at a time per database handle; deliveries arriving
 * meanwhile wait for it and then go together as the next statement (one parse, one commit, one WAL
 * flush, and in PostgreSQL one pass of the group rule for all: its CPU per delivery falls from ≈ 0.7 ms
 * alone to ≈ 0.2 ms in groups of 16, docs/decisions/130). A lone delivery never waits: with nothing in
 * flight it is sent at once, no timer.
 * A statement that takes longer than `stallMs` (waiting on a lock another replica's reconcile page holds,
 * say) does not hold everything else up: a further statement may start then, up to `maxInFlight`.
 */
class DeliveryGroups {
  #started: number[] = [];
  #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | null = null;

  readonly #db: Db;
  readonly #settings: typeof GROUP_COMMIT;

  constructor(db: Db, settings: typeof GROUP_COMMIT) {
    this.#db = db;
    this.#settings = settings;
  }

  apply(delivery: PreparedDelivery, options: SyncOptions | undefined): Promise<ApplyResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({
        delivery,
        options: optionsJson(options),
        defaultRole: options?.defaultRole ?? DEFAULT_SYNC_OPTIONS.defaultRole,
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /** Whether another statement may start now; else when to look again (ms). */
  #mayStart(now: number): true | number {
    const { maxInFlight, stallMs } = this.#settings;
    if (this.#started.length === 0) return true;
    if (this.#started.length >= maxInFlight) return stallMs;
    const stalledFor = now - Math.max(...this.#started);
    return stalledFor >= stallMs ? true : stallMs - stalledFor;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const now = performance.now();
      const may = this.#mayStart(now);
      if (may !== true) {
        this.#timer ??= setTimeout(() => {
          this.#timer = null;
          this.#pump();
        }, may);
        this.#timer.unref();
        return;
      }
      // One statement carries one set of options: the first waiter's, and every waiter that shares them.
      const options = this.#queue[0]!.options;
      const group: Waiter[] = [];
      const rest: Waiter[] = [];
      for (const waiter of this.#queue) {
        (waiter.options === options && group.length < this.#settings.maxGroup ? group : rest).push(waiter);
      }
      this.#queue = rest;
      this.#started.push(now);
      (group.length === 1
        ? runAlone(this.#db, group[0]!.delivery, options, group[0]!.defaultRole)
        : runDeliveries(
            this.#db,
            group.map((w) => w.delivery),
            options,
          )
      )
        .then(
          (results) => {
            for (const [i, waiter] of group.entries()) {
              const result = results[i]!;
              if (result instanceof Error) waiter.reject(result);
              else waiter.resolve(result);
            }
          },
          (error: unknown) => {
            for (const waiter of group) waiter.reject(error);
          },
        )
        .finally(() => {
          this.#started.splice(this.#started.indexOf(now), 1);
          this.#pump();
        });
    }
  }
}

/**
 * Webhook ingest's group commit: statements in flight per database handle (one, more only while one is
 * stalled for `stallMs`), and deliveries per statement.
 */
export const GROUP_COMMIT = {
  maxInFlight: 4,
  stallMs: 25,
  maxGroup: 100,
};

const groups = new WeakMap<Db, DeliveryGroups>();
function groupsFor(db: Db): DeliveryGroups {
  let found = groups.get(db);
  if (!found) {
    found = new DeliveryGroups(db, GROUP_COMMIT);
    groups.set(db, found);
  }
  return found;
}
