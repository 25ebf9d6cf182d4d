import {
  type ClerkUser,
  clerkUserSchema,
  describeZodError,
  MAX_CLERK_ID_LENGTH,
} from '../clerk/clerk-payloads.ts';
import { InvalidClerkUserError } from './errors.ts';
import { storableJsonProblem, stringProblem } from './storable-json.ts';

/** The Clerk-owned columns of a `users` row. App-owned ones (role, settings) are never here. */
export interface ClerkUserFields {
  clerk_id: string;
  email: string | null;
  email_verified: boolean;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  image_url: string | null;
  phone_number: string | null;
  phone_verified: boolean;
  public_metadata: Record<string, unknown>;
  last_sign_in_at: Date | null;
  clerk_created_at: Date;
  clerk_updated_at: Date;
  /**
   * Clerk's admin ban and temporary lockout; present only when set (the SQL rule stores an absent flag
   * as false, so a payload that leaves them out clears them, as Clerk means).
   */
  banned?: true;
  locked?: true;
}

// Same limits as the CHECK constraints in the initial migration; checked here to give a clear message.
export const FIELD_LIMITS = {
  clerk_id: MAX_CLERK_ID_LENGTH,
  email: 320,
  first_name: 256,
  last_name: 256,
  username: 256,
  image_url: 2048,
  phone_number: 32,
} as const satisfies Partial<Record<keyof ClerkUserFields, number>>;
const LIMITED_FIELDS = Object.entries(FIELD_LIMITS) as Array<[keyof typeof FIELD_LIMITS, number]>;

/** Parses a Clerk `UserJSON` (webhook `data`, Backend API user) or throws InvalidClerkUserError. */
export function parseClerkUser(json: unknown, path = 'data'): ClerkUser {
  const parsed = clerkUserSchema.safeParse(json);
  if (!parsed.success) throw new InvalidClerkUserError(describeZodError(parsed.error, path));
  return parsed.data;
}

/** Maps a Clerk user to our columns. Throws InvalidClerkUserError; never truncates silently. */
export function mapClerkUser(json: unknown): ClerkUserFields {
  const user = parseClerkUser(json);
  // The primary address is the one whose id is primary_email_address_id, not the first in the list.
  const email = user.email_addresses.find((e) => e.id === user.primary_email_address_id) ?? null;
  const phone = user.phone_numbers.find((p) => p.id === user.primary_phone_number_id) ?? null;
  const fields: ClerkUserFields = {
    clerk_id: user.id,
    email: email?.email_address ?? null,
    email_verified: email?.verification?.status === 'verified',
    first_name: emptyToNull(user.first_name),
    last_name: emptyToNull(user.last_name),
    username: emptyToNull(user.username),
    image_url: emptyToNull(user.image_url),
    phone_number: phone?.phone_number ?? null,
    phone_verified: phone?.verification?.status === 'verified',
    public_metadata: user.public_metadata ?? {},
    last_sign_in_at: user.last_sign_in_at == null ? null : new Date(user.last_sign_in_at),
    clerk_created_at: new Date(user.created_at),
    clerk_updated_at: new Date(user.updated_at),
    ...(user.banned === true && { banned: true }),
    ...(user.locked === true && { locked: true }),
  };
  // Cheap unless a field is near its limit: reconcile maps 100,000 users in one run.
  const tooLong: string[] = [];
  for (const [key, limit] of LIMITED_FIELDS) {
    const value = fields[key];
    // Code points never outnumber UTF-16 units: count them only when the units are over the limit.
    if (value !== null && value.length > limit && [...value].length > limit) {
      tooLong.push(`data.${key}: longer than ${limit} characters`);
    }
  }
  if (tooLong.length > 0) throw new InvalidClerkUserError(tooLong.join('; '));
  // Say what Postgres would refuse (NUL, unpaired surrogates, absurd nesting) instead of failing inside it.
  const unstorable: string[] = [];
  for (const key of Object.keys(fields) as Array<keyof ClerkUserFields>) {
    const value = fields[key];
    const problem =
      typeof value === 'string'
        ? stringProblem(value)
        : key === 'public_metadata'
          ? storableJsonProblem(value)
          : null;
    if (problem) unstorable.push(`data.${key}: ${problem}`);
  }
  if (unstorable.length > 0) throw new InvalidClerkUserError(unstorable.join('; '));
  return fields;
}

function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}
