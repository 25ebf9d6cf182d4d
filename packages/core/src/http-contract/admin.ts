// The JSON of /api/v1/admin/*. Types only and no imports, so the browser build can use it.

export type DeliveryStatus =
  | 'received'
  | 'applied'
  | 'duplicate'
  | 'stale'
  | 'ignored'
  | 'invalid'
  | 'failed';
export type AdminUserStatus = 'active' | 'inactive' | 'deleted';

/** Every list: newest first; pass `nextCursor` as `?cursor=` for the next page (null: last page). */
export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** One recorded webhook delivery (source `clerk`) or replay of one (source `replay`), without its payload. */
export interface DeliverySummary {
  svixId: string;
  source: string;
  type: string | null;
  clerkUserId: string | null;
  status: DeliveryStatus;
  error: string | null;
  attempts: number;
  receivedAt: string;
  processedAt: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  /** The delivered event as stored; null when it was not stored (failed on our side, or unusable). */
  payload: unknown;
  /** Replays of this delivery, newest first. */
  replays: DeliverySummary[];
}

export interface ReplayResponse {
  replayOf: string;
  /** The replay's own record. */
  svixId: string;
  status: 'applied' | 'duplicate' | 'stale' | 'ignored' | 'invalid';
  reason: string | null;
  originalStatus: DeliveryStatus;
}

export interface AdminOverview {
  generatedAt: string;
  users: Record<AdminUserStatus, number>;
  /** null: this installation has no organizations table. */
  organizations: number | null;
  deliveries: {
    /** Deliveries from Clerk in the last 24 h. */
    last24h: {
      byStatusAndType: Array<{ status: DeliveryStatus; type: string | null; count: number }>;
      perHour: Array<{ hour: string; status: DeliveryStatus; count: number }>;
    };
    lastDeliveryAt: string | null;
    /** Failed or invalid deliveries that no redelivery or replay has applied since. */
    unrecovered: { count: number; oldestAt: string | null; latest: DeliverySummary[] };
    /** Clerk event `timestamp` to processed, over the last hour; `thresholdMs`: above it needs attention. */
    lag: { p50Ms: number | null; p95Ms: number | null; samples: number; thresholdMs: number };
  };
  /** The newest row of reconcile_runs as stored, or null (none, or no such table). */
  lastReconcileRun: Record<string, unknown> | null;
}

export interface AdminUserSummary {
  id: string;
  clerkId: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  imageUrl: string | null;
  role: string;
  status: AdminUserStatus;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface AdminUser extends AdminUserSummary {
  phoneNumber: string | null;
  publicMetadata: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  clerkUpdatedAt: string | null;
  deletedAt: string | null;
}

export interface AdminUserDetail {
  user: AdminUser;
  settings: { theme: 'light' | 'dark' | 'system'; preferences: Record<string, unknown> };
  /** null: this installation has no organization memberships table. */
  memberships: Array<Record<string, unknown>> | null;
  /** The user's latest deliveries (up to 20). */
  deliveries: DeliverySummary[];
  /** The configured roles (ROLES). */
  roles: string[];
}

export interface RoleChangeResponse {
  user: AdminUser;
  previousRole: string;
  changed: boolean;
}

export interface ResyncResponse {
  /** What applying Clerk's current copy did (the fallback rule). */
  outcome: 'created' | 'updated' | 'reactivated' | 'unchanged' | 'stale' | 'deleted';
  user: AdminUser | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: string;
}
