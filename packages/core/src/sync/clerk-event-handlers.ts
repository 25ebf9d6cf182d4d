import {
  type ClerkWebhookEnvelope,
  clerkDeletedObjectSchema,
  describeZodError,
} from '../clerk/clerk-payloads.ts';
import { BILLING_EVENT_HANDLERS } from './billing-event-handlers.ts';
import { InvalidClerkUserError } from './errors.ts';
import { mapClerkUser } from './map-clerk-user.ts';
import { ORGANIZATION_EVENT_HANDLERS } from './organization-event-handlers.ts';
import { clerkUserLockKey, clerkUserRecord } from './write-clerk-user.ts';

/**
 * What the database needs to apply one event: the SQL handler (`kind`, a WHEN of
 * sync/usersync_apply_clerk_event.sql), the advisory lock that orders writes of its subject, and the mapped
 * data the handler reads (plain JSON; Dates become ISO strings).
 */
export interface PreparedClerkEvent {
  kind: string;
  lockKey: string;
  /**
   * Every further subject the handler writes under its own lock (a membership: its organization, itself
   * and its user). The statement takes all of its deliveries' keys first, in one order.
   */
  lockKeys?: string[];
  data: object;
}

/** A payload we cannot apply: recorded `invalid` with this reason, answered 422. */
export interface InvalidClerkEvent {
  invalid: string;
}

/** An event we know and keep only in the delivery log: recorded `ignored` with this reason, answered 2xx. */
export interface IgnoredClerkEvent {
  ignored: string;
}

export type PrepareClerkEvent = (
  envelope: ClerkWebhookEnvelope,
) => PreparedClerkEvent | InvalidClerkEvent | IgnoredClerkEvent;

function prepareUserUpsert(envelope: ClerkWebhookEnvelope): PreparedClerkEvent | InvalidClerkEvent {
  try {
    const fields = mapClerkUser(envelope.data);
    return { kind: 'user.upsert', lockKey: clerkUserLockKey(fields.clerk_id), data: clerkUserRecord(fields) };
  } catch (error) {
    if (error instanceof InvalidClerkUserError) return { invalid: error.message };
    throw error;
  }
}

function prepareUserDelete(envelope: ClerkWebhookEnvelope): PreparedClerkEvent | InvalidClerkEvent {
  const data = clerkDeletedObjectSchema.safeParse(envelope.data);
  if (!data.success) return { invalid: describeZodError(data.error, 'data') };
  // user.deleted has no updated_at; the envelope's timestamp is when Clerk deleted the user.
  const deletedAt = envelope.timestamp === undefined ? new Date() : new Date(envelope.timestamp);
  return {
    kind: 'user.delete',
    lockKey: clerkUserLockKey(data.data.id),
    data: { clerk_id: data.data.id, deleted_at: deletedAt },
  };
}

/**
 * The write path's dispatch table, TypeScript half: Clerk event type -> how to validate and map it.
 * The SQL half is sync/usersync_apply_clerk_event.sql. A type missing here is recorded `ignored`.
 * Adding an event kind: docs/decisions/070.
 */
export const CLERK_EVENT_HANDLERS: Readonly<Record<string, PrepareClerkEvent>> = {
  'user.created': prepareUserUpsert,
  'user.updated': prepareUserUpsert,
  'user.deleted': prepareUserDelete,
  ...ORGANIZATION_EVENT_HANDLERS,
  ...BILLING_EVENT_HANDLERS,
};
