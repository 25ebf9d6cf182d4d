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

export function clerkId(
  prefix: 'user' | 'idn' | 'msg' | 'org' | 'orgmem' | 'orginv' | 'csub' | 'csubi' = 'user',
): string {
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

// Deletions whose payload is only `{ id, object, deleted }` (a deleted membership carries the whole membership).
const DELETED_OBJECTS: Record<string, string> = {
  'user.deleted': 'user',
  'organization.deleted': 'organization',
};

/** A webhook body as Clerk sends it through Svix. `user.deleted` carries only `{ id, object, deleted }`. */
export function sampleClerkEvent(
  type: UserEventType | string,
  user: Record<string, unknown> | { id: string },
  options: { timestamp?: number; instanceId?: string } = {},
): Record<string, unknown> {
  const deletedObject = DELETED_OBJECTS[type];
  const data = deletedObject ? { id: user.id, object: deletedObject, deleted: true } : user;
  return {
    data,
    event_attributes: { http_request: { client_ip: '127.0.0.1', user_agent: 'usersync' } },
    instance_id: options.instanceId ?? 'ins_usersynclocal',
    object: 'event',
    timestamp: options.timestamp ?? Date.now(),
    type,
  };
}

export interface SampleOrganizationOptions {
  id?: string;
  name?: string;
  slug?: string | null;
  imageUrl?: string | null;
  publicMetadata?: Record<string, unknown>;
  createdBy?: string;
  createdAt?: number;
  updatedAt?: number;
}

/** Clerk's `OrganizationJSON`. */
export function sampleClerkOrganization(options: SampleOrganizationOptions = {}): Record<string, unknown> {
  const id = options.id ?? clerkId('org');
  const createdAt = options.createdAt ?? Date.now();
  const name = options.name ?? 'Analytical Engines';
  return {
    object: 'organization',
    id,
    name,
    slug:
      options.slug === undefined
        ? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${id.slice(-6).toLowerCase()}`
        : options.slug,
    image_url: options.imageUrl === undefined ? `https://img.clerk.com/${id}.png` : options.imageUrl,
    has_image: options.imageUrl !== null,
    created_by: options.createdBy ?? clerkId('user'),
    public_metadata: options.publicMetadata ?? {},
    private_metadata: {},
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    members_count: 1,
    created_at: createdAt,
    updated_at: options.updatedAt ?? createdAt,
  };
}

export interface SampleMembershipOptions {
  id?: string;
  organization?: Record<string, unknown>;
  userId?: string;
  role?: string;
  permissions?: string[];
  createdAt?: number;
  updatedAt?: number;
}

const ROLE_PERMISSIONS: Record<string, string[]> = {
  'org:admin': [
    'org:sys_profile:manage',
    'org:sys_profile:delete',
    'org:sys_memberships:read',
    'org:sys_memberships:manage',
    'org:sys_domains:read',
    'org:sys_domains:manage',
  ],
  'org:member': ['org:sys_memberships:read'],
};

/** Clerk's `OrganizationMembershipJSON`: the whole organization and the member's public data embedded. */
export function sampleClerkOrganizationMembership(
  options: SampleMembershipOptions = {},
): Record<string, unknown> {
  const organization = options.organization ?? sampleClerkOrganization();
  const userId = options.userId ?? clerkId('user');
  const role = options.role ?? 'org:member';
  const createdAt = options.createdAt ?? Date.now();
  return {
    object: 'organization_membership',
    id: options.id ?? clerkId('orgmem'),
    role,
    role_name: role === 'org:admin' ? 'Admin' : role === 'org:member' ? 'Member' : role,
    permissions: options.permissions ?? ROLE_PERMISSIONS[role] ?? [],
    public_metadata: {},
    private_metadata: {},
    created_at: createdAt,
    updated_at: options.updatedAt ?? createdAt,
    organization,
    public_user_data: {
      user_id: userId,
      first_name: 'Ada',
      last_name: 'Lovelace',
      image_url: `https://img.clerk.com/${userId}.png`,
      has_image: true,
      identifier: `${userId.toLowerCase()}@example.com`,
      username: null,
    },
  };
}

export interface SampleInvitationOptions {
  id?: string;
  organizationId?: string;
  email?: string;
  role?: string;
  status?: 'pending' | 'accepted' | 'revoked';
  createdAt?: number;
  updatedAt?: number;
}

/** Clerk's `OrganizationInvitationJSON`. */
export function sampleClerkOrganizationInvitation(
  options: SampleInvitationOptions = {},
): Record<string, unknown> {
  const id = options.id ?? clerkId('orginv');
  const role = options.role ?? 'org:member';
  const createdAt = options.createdAt ?? Date.now();
  return {
    object: 'organization_invitation',
    id,
    email_address: options.email ?? `${id.toLowerCase()}@example.com`,
    role,
    role_name: role === 'org:admin' ? 'Admin' : 'Member',
    organization_id: options.organizationId ?? clerkId('org'),
    status: options.status ?? 'pending',
    public_metadata: {},
    private_metadata: {},
    url: null,
    created_at: createdAt,
    updated_at: options.updatedAt ?? createdAt,
    expires_at: createdAt + 30 * 24 * 3600 * 1000,
  };
}

/** Who pays: a user (`user_…`) or an organization (`org_…`); Clerk's `BillingPayerJSON`. */
export function sampleClerkBillingPayer(payerId: string): Record<string, unknown> {
  const forOrganization = payerId.startsWith('org_');
  return {
    object: 'commerce_payer',
    id: `cpayer_${payerId}`,
    instance_id: 'ins_usersynclocal',
    ...(forOrganization
      ? { organization_id: payerId, organization_name: 'Acme' }
      : { user_id: payerId, first_name: 'Ada', last_name: 'Lovelace' }),
    email: 'billing@example.com',
    image_url: 'https://img.clerk.com/payer.png',
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
  };
}

export interface SampleSubscriptionItemOptions {
  id?: string;
  payerId?: string;
  status?: string;
  planSlug?: string | null;
  planName?: string;
  periodStart?: number;
  periodEnd?: number | null;
  pastDueAt?: number;
  canceledAt?: number;
}

/** Clerk's `BillingSubscriptionItemWebhookEventJSON` (@clerk/backend 3.20.1; no updated_at). */
export function sampleClerkSubscriptionItem(
  options: SampleSubscriptionItemOptions = {},
): Record<string, unknown> {
  const periodStart = options.periodStart ?? 1_700_000_000_000;
  const slug = options.planSlug === undefined ? 'pro' : options.planSlug;
  const money = { amount: 2000, amount_formatted: '20.00', currency: 'USD', currency_symbol: '$' };
  return {
    object: 'commerce_subscription_item',
    id: options.id ?? clerkId('csubi'),
    status: options.status ?? 'active',
    credit: { amount: money, cycle_days_remaining: 10, cycle_days_total: 30, cycle_remaining_percent: 33 },
    proration_date: '2026-12-01',
    plan_period: 'month',
    period_start: periodStart,
    period_end: options.periodEnd === undefined ? periodStart + 30 * 86_400_000 : options.periodEnd,
    ...(options.canceledAt !== undefined && { canceled_at: options.canceledAt }),
    ...(options.pastDueAt !== undefined && { past_due_at: options.pastDueAt }),
    lifetime_paid: 2000,
    next_payment_amount: 2000,
    next_payment_date: periodStart + 30 * 86_400_000,
    amount: money,
    plan:
      slug === null
        ? null
        : {
            id: `cplan_${slug}`,
            instance_id: 'ins_usersynclocal',
            product_id: 'cprod_default',
            name: options.planName ?? `${slug[0]!.toUpperCase()}${slug.slice(1)}`,
            slug,
            is_default: false,
            is_recurring: true,
            amount: 2000,
            period: 'month',
            interval: 1,
            has_base_fee: true,
            currency: 'USD',
            annual_monthly_amount: 1600,
            publicly_visible: true,
          },
    plan_id: slug === null ? null : `cplan_${slug}`,
    payer: sampleClerkBillingPayer(options.payerId ?? 'user_payer'),
  };
}

export interface SampleSubscriptionOptions {
  id?: string;
  payerId?: string;
  status?: string;
  updatedAt?: number;
  pastDueAt?: number;
  items?: Array<Record<string, unknown>>;
}

/** Clerk's `BillingSubscriptionWebhookEventJSON` (@clerk/backend 3.20.1). */
export function sampleClerkSubscription(options: SampleSubscriptionOptions = {}): Record<string, unknown> {
  const payerId = options.payerId ?? 'user_payer';
  const updatedAt = options.updatedAt ?? Date.now();
  return {
    object: 'commerce_subscription',
    id: options.id ?? clerkId('csub'),
    status: options.status ?? 'active',
    active_at: 1_700_000_000_000,
    ...(options.pastDueAt !== undefined && { past_due_at: options.pastDueAt }),
    created_at: 1_700_000_000_000,
    updated_at: updatedAt,
    latest_payment_id: 'cpay_1',
    payer_id: `cpayer_${payerId}`,
    payer: sampleClerkBillingPayer(payerId),
    payment_source_id: 'cps_1',
    items: options.items ?? [sampleClerkSubscriptionItem({ payerId })],
  };
}

/**
 * Clerk's `BillingSubscriptionJSON` as the Backend API answers `GET /v1/{users|organizations}/{id}/billing/
 * subscription` (@clerk/backend 3.20.1): items under `subscription_items`, each with its own updated_at.
 */
export function sampleBackendBillingSubscription(
  options: {
    id?: string;
    payerId?: string;
    status?: string;
    updatedAt?: number;
    items?: Array<Record<string, unknown>>;
  } = {},
): Record<string, unknown> {
  const updatedAt = options.updatedAt ?? Date.now();
  return {
    object: 'commerce_subscription',
    id: options.id ?? clerkId('csub'),
    instance_id: 'ins_usersynclocal',
    status: options.status ?? 'active',
    payer_id: `cpayer_${options.payerId ?? 'user_payer'}`,
    created_at: 1_700_000_000_000,
    updated_at: updatedAt,
    active_at: 1_700_000_000_000,
    past_due_at: null,
    subscription_items: (options.items ?? [sampleClerkSubscriptionItem({ payerId: options.payerId })]).map(
      (item) => {
        const { payer: _, credit: __, proration_date: ___, ...rest } = item;
        return {
          ...rest,
          instance_id: 'ins_usersynclocal',
          created_at: 1_700_000_000_000,
          updated_at: updatedAt,
          is_free_trial: false,
          ended_at: null,
        };
      },
    ),
  };
}
