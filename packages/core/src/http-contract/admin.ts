import { type Static, type TSchema, Type } from 'typebox';
import { DECIDED_DELIVERY_STATUSES, DELIVERY_STATUSES, USER_STATUSES } from './lists.ts';
import { PlanSchema } from './plan.ts';
import { THEMES } from './themes.ts';
import { nullable, UserIdentityProperties } from './user-fields.ts';

// /api/v1/admin/*, written once as JSON Schema (TypeBox): the API validates requests and serialises
// responses with these schemas (a field not declared here never leaves the server) and derives its
// handler types from them; the console imports the derived types only (docs/decisions/063).

const dateTime = Type.String({ format: 'date-time' });
const count = Type.Integer({ minimum: 0 });
/** A JSON object passed through as stored (metadata, a memberships row, a reconcile run). */
const JsonObjectSchema = Type.Record(Type.String(), Type.Unknown());

export const DeliveryStatusSchema = Type.Enum(DELIVERY_STATUSES);
export const UserStatusSchema = Type.Enum(USER_STATUSES);
export type AdminUserStatus = Static<typeof UserStatusSchema>;

/** Every list: newest first; pass `nextCursor` as `?cursor=` for the next page (null: last page). */
export const PagedSchema = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: nullable(Type.String()) });
export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** The Clerk session token every admin route requires (checked before the route runs). */
export const AdminHeadersSchema = Type.Object({ authorization: Type.String() });

/** Query strings arrive as text (no type coercion in this API): numbers are checked by pattern. */
const pageQuery = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
};
const filterText = Type.Optional(Type.String({ minLength: 1, maxLength: 200 }));

/** One recorded webhook delivery (source `clerk`) or replay of one (source `replay`), without its payload. */
export const DeliverySummarySchema = Type.Object({
  svixId: Type.String(),
  source: Type.String(),
  type: nullable(Type.String()),
  clerkUserId: nullable(Type.String()),
  status: DeliveryStatusSchema,
  error: nullable(Type.String()),
  attempts: Type.Integer(),
  receivedAt: dateTime,
  processedAt: nullable(dateTime),
});
export type DeliverySummary = Static<typeof DeliverySummarySchema>;

export const DeliveryDetailSchema = Type.Object({
  ...DeliverySummarySchema.properties,
  /** The delivered event as stored; null when it was not stored (failed on our side, or unusable). */
  payload: Type.Unknown(),
  /** Replays of this delivery, newest first. */
  replays: Type.Array(DeliverySummarySchema),
});
export type DeliveryDetail = Static<typeof DeliveryDetailSchema>;

/** `GET /api/v1/admin/webhook-events` filters. */
export const DeliveryListQuerySchema = Type.Object(
  {
    ...pageQuery,
    status: Type.Optional(DeliveryStatusSchema),
    type: filterText,
    clerkUserId: filterText,
    q: filterText,
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuerySchema>;

export const SvixIdParamsSchema = Type.Object({ svixId: Type.String({ minLength: 1, maxLength: 255 }) });

export const ReplayResponseSchema = Type.Object({
  replayOf: Type.String(),
  /** The replay's own record. */
  svixId: Type.String(),
  status: Type.Enum(DECIDED_DELIVERY_STATUSES),
  reason: nullable(Type.String()),
  originalStatus: DeliveryStatusSchema,
});
export type ReplayResponse = Static<typeof ReplayResponseSchema>;

const deliveryCountSchema = Type.Object({
  status: DeliveryStatusSchema,
  type: nullable(Type.String()),
  count,
});

export const AdminOverviewSchema = Type.Object({
  generatedAt: dateTime,
  users: Type.Object({ active: count, inactive: count, deleted: count }),
  /** null: this installation has no organizations table. */
  organizations: nullable(Type.Integer()),
  deliveries: Type.Object({
    /** Deliveries from Clerk in the last 24 h. */
    last24h: Type.Object({
      byStatusAndType: Type.Array(deliveryCountSchema),
      perHour: Type.Array(Type.Object({ hour: dateTime, status: DeliveryStatusSchema, count })),
    }),
    lastDeliveryAt: nullable(dateTime),
    /** Failed or invalid deliveries that no redelivery or replay has applied since. */
    unrecovered: Type.Object({
      count,
      oldestAt: nullable(dateTime),
      latest: Type.Array(DeliverySummarySchema),
    }),
    /** Clerk event `timestamp` to processed, over the last hour; `thresholdMs`: above it needs attention. */
    lag: Type.Object({
      p50Ms: nullable(Type.Integer()),
      p95Ms: nullable(Type.Integer()),
      samples: count,
      thresholdMs: count,
    }),
  }),
  /** The newest row of reconcile_runs as stored, or null (none, or no such table). */
  lastReconcileRun: nullable(JsonObjectSchema),
  /** Clerk Billing (decision 182): payers (users and organizations) whose subscription is past due now. */
  billing: Type.Object({ pastDuePayers: count }),
});
export type AdminOverview = Static<typeof AdminOverviewSchema>;

export const AdminUserSummarySchema = Type.Object({
  ...UserIdentityProperties,
  role: Type.String(),
  status: UserStatusSchema,
  lastSignInAt: nullable(dateTime),
  createdAt: dateTime,
});
export type AdminUserSummary = Static<typeof AdminUserSummarySchema>;

export const AdminUserSchema = Type.Object({
  ...AdminUserSummarySchema.properties,
  phoneNumber: nullable(Type.String()),
  publicMetadata: JsonObjectSchema,
  appMetadata: JsonObjectSchema,
  clerkUpdatedAt: nullable(dateTime),
  deletedAt: nullable(dateTime),
  /** Clerk's admin ban: the API refuses the user (403 user_banned); decision 180. */
  banned: Type.Boolean(),
  /** Clerk's temporary lockout after failed sign-ins: shown, not refused. */
  locked: Type.Boolean(),
});
export type AdminUser = Static<typeof AdminUserSchema>;

/** `GET /api/v1/admin/users` filters. */
export const UserListQuerySchema = Type.Object(
  { ...pageQuery, q: filterText, status: Type.Optional(UserStatusSchema), role: filterText },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuerySchema>;

export const ClerkIdParamsSchema = Type.Object({ clerkId: Type.String({ minLength: 1, maxLength: 255 }) });

export const AdminUserDetailSchema = Type.Object({
  user: AdminUserSchema,
  /** The user's own current Clerk Billing plan. */
  plan: PlanSchema,
  settings: Type.Object({ theme: Type.Enum(THEMES), preferences: JsonObjectSchema }),
  /** null: this installation has no organization memberships table. */
  memberships: nullable(Type.Array(JsonObjectSchema)),
  /** The user's latest deliveries (up to 20). */
  deliveries: Type.Array(DeliverySummarySchema),
  /** The configured roles (ROLES). */
  roles: Type.Array(Type.String()),
});
export type AdminUserDetail = Static<typeof AdminUserDetailSchema>;

/** `GET /api/v1/admin/organizations/:clerkId` (a Clerk organization id or a slug): the console's organization page. */
export const AdminOrganizationDetailSchema = Type.Object({
  organization: Type.Object({
    clerkId: Type.String(),
    name: Type.String(),
    slug: nullable(Type.String()),
    imageUrl: nullable(Type.String()),
    status: Type.Enum(['active', 'inactive', 'deleted']),
    clerkUpdatedAt: nullable(dateTime),
  }),
  /** The organization's current Clerk Billing plan (decision 182). */
  plan: PlanSchema,
  members: Type.Array(
    Type.Object({
      clerkUserId: Type.String(),
      role: Type.String(),
      /** From the member's users row; null until it arrives. */
      email: nullable(Type.String()),
      name: nullable(Type.String()),
    }),
  ),
});
export type AdminOrganizationDetail = Static<typeof AdminOrganizationDetailSchema>;

/** `PATCH /api/v1/admin/users/:clerkId` body: one of the configured roles (ROLES), nothing else. */
export const RoleChangeBodySchema = (roles: readonly string[]) =>
  Type.Object({ role: Type.String({ enum: [...roles] }) }, { additionalProperties: false });
export type RoleChangeBody = Static<ReturnType<typeof RoleChangeBodySchema>>;

export const RoleChangeResponseSchema = Type.Object({
  user: AdminUserSchema,
  previousRole: Type.String(),
  changed: Type.Boolean(),
});
export type RoleChangeResponse = Static<typeof RoleChangeResponseSchema>;

export const ResyncResponseSchema = Type.Object({
  /** What applying Clerk's current copy did (the fallback rule). */
  outcome: Type.Enum(['created', 'updated', 'reactivated', 'unchanged', 'stale', 'deleted']),
  user: nullable(AdminUserSchema),
});
export type ResyncResponse = Static<typeof ResyncResponseSchema>;

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  actor: Type.String(),
  actorEmail: nullable(Type.String()),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.String(),
  before: nullable(JsonObjectSchema),
  after: nullable(JsonObjectSchema),
  createdAt: dateTime,
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

/** `GET /api/v1/admin/audit-log` filters. */
export const AuditLogQuerySchema = Type.Object(
  { ...pageQuery, targetId: filterText },
  { additionalProperties: false },
);
export type AuditLogQuery = Static<typeof AuditLogQuerySchema>;
