import { randomBytes } from 'node:crypto';
import type { UserEventType } from './clerk-payloads.ts';

// Realistic Clerk payloads, shaped like Clerk's own (UserJSON and the webhook envelope). Used by the
// `usersync webhook send` command, the Backend API stand-in and tests.

export interface SampleUserOptions {
  id?: string;
  email?: string | null;
  emailVerified?: boolean;
  /** Extra addresses placed *before* the primary one, to exercise primary-id lookup. */
  otherEmails?: string[];
  phone?: string | null;
  phoneVerified?: boolean;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  imageUrl?: string | null;
  publicMetadata?: Record<string, unknown>;
  createdAt?: number;
  updatedAt?: number;
  lastSignInAt?: number | null;
}

export function clerkId(prefix: 'user' | 'idn' | 'msg' = 'user'): string {
  return `${prefix}_${randomBytes(14).toString('base64url').replace(/[-_]/g, 'x')}`;
}

function verification(verified: boolean, strategy: string) {
  return verified
    ? { status: 'verified', strategy, attempts: null, expire_at: null }
    : { status: 'unverified', strategy, attempts: 0, expire_at: Date.now() + 600_000 };
}

export function sampleClerkUser(options: SampleUserOptions = {}): Record<string, unknown> {
  const id = options.id ?? clerkId('user');
  const now = Date.now();
  const createdAt = options.createdAt ?? now;
  const email = options.email === undefined ? `${id.toLowerCase()}@example.com` : options.email;
  const emails = [
    ...(options.otherEmails ?? []).map((address) => ({ address, verified: true })),
    ...(email === null ? [] : [{ address: email, verified: options.emailVerified ?? true }]),
  ].map(({ address, verified }) => ({
    id: clerkId('idn'),
    object: 'email_address',
    email_address: address,
    reserved: false,
    verification: verification(verified, 'email_code'),
    linked_to: [],
    created_at: createdAt,
    updated_at: createdAt,
  }));
  const primaryEmail = email === null ? null : (emails[emails.length - 1]?.id ?? null);
  const phones =
    options.phone == null
      ? []
      : [
          {
            id: clerkId('idn'),
            object: 'phone_number',
            phone_number: options.phone,
            reserved_for_second_factor: false,
            default_second_factor: false,
            verification: verification(options.phoneVerified ?? true, 'phone_code'),
            linked_to: [],
          },
        ];
  return {
    id,
    object: 'user',
    username: options.username ?? null,
    first_name: options.firstName === undefined ? 'Ada' : options.firstName,
    last_name: options.lastName === undefined ? 'Lovelace' : options.lastName,
    image_url: options.imageUrl === undefined ? `https://img.clerk.com/${id}.png` : options.imageUrl,
    has_image: options.imageUrl !== null,
    primary_email_address_id: primaryEmail,
    primary_phone_number_id: phones[0]?.id ?? null,
    primary_web3_wallet_id: null,
    password_enabled: true,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: emails,
    phone_numbers: phones,
    web3_wallets: [],
    external_accounts: [],
    saml_accounts: [],
    public_metadata: options.publicMetadata ?? {},
    private_metadata: {},
    unsafe_metadata: {},
    external_id: null,
    last_sign_in_at: options.lastSignInAt === undefined ? null : options.lastSignInAt,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: createdAt,
    updated_at: options.updatedAt ?? createdAt,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: now,
  };
}

/** A webhook body as Clerk sends it through Svix. `user.deleted` carries only `{ id, object, deleted }`. */
export function sampleClerkEvent(
  type: UserEventType | string,
  user: Record<string, unknown> | { id: string },
  options: { timestamp?: number; instanceId?: string } = {},
): Record<string, unknown> {
  const data = type === 'user.deleted' ? { id: user.id, object: 'user', deleted: true } : user;
  return {
    data,
    event_attributes: { http_request: { client_ip: '127.0.0.1', user_agent: 'usersync' } },
    instance_id: options.instanceId ?? 'ins_usersynclocal',
    object: 'event',
    timestamp: options.timestamp ?? Date.now(),
    type,
  };
}
