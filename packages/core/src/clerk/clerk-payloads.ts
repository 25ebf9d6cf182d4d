import { z } from 'zod';

// The parts of Clerk's webhook and Backend API payloads that we read. Clerk adds fields over time and we
// must not reject a delivery for a field we do not use: unknown fields are accepted and left out of the
// parsed value (z.object strips). Not z.looseObject, which copies every unknown field: on the webhook
// path that made validating a user.created ≈ 13 µs instead of ≈ 1.4 µs (docs/decisions/130).

const verification = z.object({ status: z.string() }).nullable().optional();

export const clerkEmailAddressSchema = z.object({
  id: z.string(),
  email_address: z.string(),
  verification,
});

export const clerkPhoneNumberSchema = z.object({
  id: z.string(),
  phone_number: z.string(),
  verification,
});

/**
 * Milliseconds since 1970 up to the end of year 9999. JavaScript Dates end at 8.64e15 ms (year 275760) and
 * a larger integer becomes an Invalid Date that Postgres refuses; no Clerk timestamp is near either.
 */
export const MAX_MS_TIMESTAMP = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const msTimestamp = z.number().int().nonnegative().max(MAX_MS_TIMESTAMP);
/** Clerk's millisecond timestamps, capped to year 9999 (a later date cannot be stored). */
export const msTimestampSchema = msTimestamp;

/**
 * Clerk ids (`user_…`, `idn_…`) are ~32 characters; the users table and user_tombstones key on them with a
 * 255-character cap, and a btree refuses much longer keys.
 */
export const MAX_CLERK_ID_LENGTH = 255;
const clerkId = z.string().min(1).max(MAX_CLERK_ID_LENGTH);
/** A Clerk object id (`user_…`, `org_…`, …), within what the id columns hold. */
export const clerkIdSchema = clerkId;
/** Event type names are short (`organizationMembership.created`); a long one is not Clerk's. */
const MAX_EVENT_TYPE_LENGTH = 100;

/** Clerk's `UserJSON` (webhook `data` and `GET /v1/users/{id}`): timestamps are milliseconds. */
export const clerkUserSchema = z.object({
  id: clerkId,
  object: z.literal('user').optional(),
  username: z.string().nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  image_url: z.string().nullable().optional(),
  primary_email_address_id: z.string().nullable().optional(),
  primary_phone_number_id: z.string().nullable().optional(),
  email_addresses: z.array(clerkEmailAddressSchema).default([]),
  phone_numbers: z.array(clerkPhoneNumberSchema).default([]),
  public_metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  last_sign_in_at: msTimestamp.nullable().optional(),
  // An admin ban and a temporary lockout: two different things (docs/privacy.md, issue 23).
  banned: z.boolean().nullable().optional(),
  locked: z.boolean().nullable().optional(),
  created_at: msTimestamp,
  updated_at: msTimestamp,
});
export type ClerkUserJson = z.input<typeof clerkUserSchema>;
export type ClerkUser = z.output<typeof clerkUserSchema>;

/** `user.deleted` carries only `{ id, object, deleted }`. */
export const clerkDeletedObjectSchema = z.looseObject({
  id: clerkId,
  object: z.string().optional(),
  deleted: z.boolean().optional(),
});

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const clerkWebhookEnvelopeSchema = z.object({
  type: z.string().min(1).max(MAX_EVENT_TYPE_LENGTH),
  object: z.literal('event').optional(),
  // Checked, not copied: each event kind's handler parses `data` with its own schema.
  data: z.custom<Record<string, unknown>>(isJsonObject, { error: 'expected an object' }),
  timestamp: msTimestamp.optional(),
  instance_id: z.string().max(MAX_CLERK_ID_LENGTH).optional(),
});
export type ClerkWebhookEnvelope = z.output<typeof clerkWebhookEnvelopeSchema>;

export {
  CLERK_EVENT_TYPES,
  type ClerkEventType,
  USER_EVENT_TYPES,
  type UserEventType,
} from '../http-contract/lists.ts';

/** "data.first_name: expected string, received number" — one line per problem, for logs and the event log. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
