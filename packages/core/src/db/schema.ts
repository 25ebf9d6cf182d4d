import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { DeliveryStatus } from '../http-contract/lists.ts';
import type { ThemeName } from '../http-contract/themes.ts';

// Kysely table types. Nullable columns are `T | null`, database-generated ones `Generated<T>`.
type Timestamp = Date;

export type { JsonColumn };

/** jsonb: read as an object, written as a JSON string (what node-postgres and PGlite both accept). */
type Json = Record<string, unknown>;
type JsonColumn = ColumnType<Json, string, string>;
type GeneratedJsonColumn = ColumnType<Json, string | undefined, string>;

/** webhook_events.status: the delivery statuses of packages/core/src/http-contract/lists.ts. */
export type WebhookEventStatus = DeliveryStatus;

export interface UsersTable {
  id: Generated<string>;
  clerk_id: string;
  email: string | null;
  email_verified: Generated<boolean>;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  image_url: string | null;
  phone_number: string | null;
  phone_verified: Generated<boolean>;
  /** Clerk's admin ban: the API refuses the user at once (403 user_banned), before the token expires. */
  banned: Generated<boolean>;
  /** Clerk's temporary lockout after failed sign-ins: shown, not a ban. */
  locked: Generated<boolean>;
  /** App-owned: set from an invitation or DEFAULT_ROLE, never from Clerk data. */
  role: string;
  public_metadata: GeneratedJsonColumn;
  /** App-owned data carried over from a claimed invitation. */
  app_metadata: GeneratedJsonColumn;
  is_active: Generated<boolean>;
  deleted_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  clerk_created_at: Timestamp | null;
  /** The ordering key: a Clerk payload applies only when its updated_at is newer. */
  clerk_updated_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface UserSettingsTable {
  user_id: string;
  theme: Generated<ThemeName>;
  preferences: GeneratedJsonColumn;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface WebhookEventsTable {
  svix_id: string;
  source: Generated<string>;
  type: string | null;
  clerk_user_id: string | null;
  payload: ColumnType<unknown, string | null, string | null>;
  status: WebhookEventStatus;
  error: string | null;
  attempts: Generated<number>;
  created_at: Generated<Timestamp>;
  processed_at: Timestamp | null;
  /** Set when the payload was cut down to ids (the person deleted, or past WEBHOOK_PAYLOAD_RETENTION_DAYS). */
  payload_redacted_at: Timestamp | null;
}

/** Clerk never reuses a user id: a tombstone keeps a deleted id from ever coming back. */
export interface UserTombstonesTable {
  clerk_id: string;
  deleted_at: Timestamp;
  created_at: Generated<Timestamp>;
}

export interface InvitationsTable {
  id: Generated<string>;
  /** Stored lower-cased. */
  email: string;
  role: string;
  data: GeneratedJsonColumn;
  created_at: Generated<Timestamp>;
  claimed_by_user_id: string | null;
  claimed_at: Timestamp | null;
}

export const RECONCILE_RUN_STATUSES = ['running', 'succeeded', 'failed', 'interrupted', 'refused'] as const;
export type ReconcileRunStatus = (typeof RECONCILE_RUN_STATUSES)[number];
export type ReconcileKind = 'full' | 'incremental';
export type ReconcileTrigger = 'cli' | 'schedule';

/** One reconcile run (CLI or scheduled); docs/observability.md describes every column. */
export interface ReconcileRunsTable {
  id: Generated<string>;
  kind: ReconcileKind;
  trigger: ReconcileTrigger;
  dry_run: boolean;
  status: Generated<ReconcileRunStatus>;
  started_at: Generated<Timestamp>;
  finished_at: Timestamp | null;
  /** Incremental: users updated at or after this instant were read. Null for a full run. */
  since: Timestamp | null;
  /** Set when an applied run succeeded: where the next `--since last` starts (its own start). */
  watermark: Timestamp | null;
  users_read: Generated<number>;
  /** Outcome counts per resource kind: `{ "users": { "create": 2, "update": 1, ... } }`. */
  counts: GeneratedJsonColumn;
  /** Differences between Clerk and the database the run found (written or, in a dry run, not). */
  drift_found: Generated<number>;
  error: string | null;
  /** `hostname:pid` of the process that ran it. */
  runner: string | null;
}

/** The one-reconcile-at-a-time lease: at most one row (reconcile-runs/reconcile-lock.ts owns it). */
export interface ReconcileLeaseTable {
  id: Generated<boolean>;
  /** `hostname:pid:random` of the run holding it. */
  holder: string;
  acquired_at: Timestamp;
  /** Renewed while the run works; after it, any run may take the lease over. */
  expires_at: Timestamp;
}

/** One admin action: who (actor), what (action), target, the state before and after, when. */
export interface AuditLogTable {
  id: Generated<string>;
  /** The acting admin's Clerk id, or `cli:<user>` / `system:ADMIN_EMAILS`. */
  actor: string;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string;
  before: ColumnType<Json | null, string | null, string | null>;
  after: ColumnType<Json | null, string | null, string | null>;
  created_at: Generated<Timestamp>;
}

export interface OrganizationsTable {
  id: Generated<string>;
  /** Clerk's `org_…` id. */
  clerk_id: string;
  name: string;
  slug: string | null;
  image_url: string | null;
  public_metadata: GeneratedJsonColumn;
  is_active: Generated<boolean>;
  deleted_at: Timestamp | null;
  clerk_created_at: Timestamp | null;
  /** The ordering key, as for users. */
  clerk_updated_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

/** One row per current membership; an ended membership leaves no row (only a tombstone). */
export interface OrganizationMembershipsTable {
  id: Generated<string>;
  /** Clerk's `orgmem_…` id. */
  clerk_id: string;
  clerk_organization_id: string;
  clerk_user_id: string;
  /** organizations.id / users.id once those rows exist (filled in when they arrive later). */
  organization_id: string | null;
  user_id: string | null;
  /** Clerk's role key, e.g. `org:admin`. */
  role: string;
  permissions: ColumnType<string[], string | undefined, string>;
  public_metadata: GeneratedJsonColumn;
  /** The membership object as Clerk sent it (membership payloads drift from the documented shape). */
  clerk_payload: ColumnType<Json | null, string | null, string | null>;
  clerk_created_at: Timestamp | null;
  clerk_updated_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface OrganizationInvitationsTable {
  id: Generated<string>;
  clerk_id: string;
  clerk_organization_id: string;
  email: string;
  role: string;
  /** pending | accepted | revoked (Clerk's status; newer updated_at wins). */
  status: string;
  clerk_created_at: Timestamp | null;
  clerk_updated_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface OrganizationTombstonesTable {
  clerk_id: string;
  deleted_at: Timestamp;
  created_at: Generated<Timestamp>;
}

export interface OrganizationMembershipTombstonesTable {
  clerk_id: string;
  clerk_organization_id: string | null;
  clerk_user_id: string | null;
  deleted_at: Timestamp;
  created_at: Generated<Timestamp>;
}

/** Clerk Billing's subscription (`csub_…`), one per payer; decision 182. */
export interface BillingSubscriptionsTable {
  id: Generated<string>;
  clerk_id: string;
  /** Clerk's status: active | past_due | canceled | ended | … (kept as Clerk sends it). */
  status: string;
  /** The payer: exactly one of the two. */
  clerk_user_id: string | null;
  clerk_organization_id: string | null;
  /** Our users.id / organizations.id when that row existed when this was written. */
  user_id: string | null;
  organization_id: string | null;
  active_at: Timestamp | null;
  past_due_at: Timestamp | null;
  canceled_at: Timestamp | null;
  ended_at: Timestamp | null;
  /** Clerk's updated_at: the ordering key. */
  clerk_updated_at: Timestamp;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

/** One plan of a subscription (`csubi_…`); decision 182. */
export interface BillingSubscriptionItemsTable {
  id: Generated<string>;
  clerk_id: string;
  status: string;
  plan_slug: string | null;
  plan_name: string | null;
  /** month | annual */
  plan_period: string | null;
  period_start: Timestamp | null;
  period_end: Timestamp | null;
  canceled_at: Timestamp | null;
  past_due_at: Timestamp | null;
  clerk_user_id: string | null;
  clerk_organization_id: string | null;
  user_id: string | null;
  organization_id: string | null;
  /** The ordering key: the item event's timestamp, or its subscription event's updated_at. */
  clerk_updated_at: Timestamp;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface Database {
  users: UsersTable;
  user_settings: UserSettingsTable;
  webhook_events: WebhookEventsTable;
  user_tombstones: UserTombstonesTable;
  invitations: InvitationsTable;
  reconcile_runs: ReconcileRunsTable;
  reconcile_lease: ReconcileLeaseTable;
  audit_log: AuditLogTable;
  organizations: OrganizationsTable;
  organization_memberships: OrganizationMembershipsTable;
  organization_invitations: OrganizationInvitationsTable;
  organization_tombstones: OrganizationTombstonesTable;
  organization_membership_tombstones: OrganizationMembershipTombstonesTable;
  billing_subscriptions: BillingSubscriptionsTable;
  billing_subscription_items: BillingSubscriptionItemsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;
export type UserSettingsRow = Selectable<UserSettingsTable>;
export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type ReconcileRunRow = Selectable<ReconcileRunsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type OrganizationMembershipRow = Selectable<OrganizationMembershipsTable>;
export type OrganizationInvitationRow = Selectable<OrganizationInvitationsTable>;
export type BillingSubscriptionRow = Selectable<BillingSubscriptionsTable>;
export type BillingSubscriptionItemRow = Selectable<BillingSubscriptionItemsTable>;
