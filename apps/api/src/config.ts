import type { ClerkConfig } from '@usersync/config';
import type { UserDeleteMode } from '@usersync/core/internal';

/**
 * Everything the app needs, already validated. `server.ts` builds it from the environment
 * (see env.ts); tests build it directly, so no test depends on process.env.
 */
export interface AppConfig {
  /** `whsec_...`; null: the webhook route answers 503 naming CLERK_WEBHOOK_SIGNING_SECRET. */
  webhookSigningSecret: string | null;
  clerk: ClerkConfig;
  /** SPA origins: CORS and the `azp` claim session tokens must carry. Empty: same-origin only, azp unchecked. */
  webOrigins: string[];
  sync: { deleteMode: UserDeleteMode; defaultRole: string };
  /** Who may use /api/v1/admin and which roles an admin can give (docs/operator-console.md). */
  access: AccessConfig;
  /** Built SPA to serve from `/` (production); null: API only. */
  webDistDir: string | null;
  /** Requests per minute per signed-in user (else per IP) on /api/v1/users/*. */
  rateLimitPerMinute: number;
  /**
   * Fastify `trustProxy`: behind a load balancer, the client IP comes from X-Forwarded-For. Prefer a hop
   * count or the proxies' addresses: `true` takes the leftmost address, which any client can write.
   */
  trustProxy: boolean | number | string;
  /** Give up on a Clerk Backend API call after this long (answer 503). */
  clerkTimeoutMs: number;
  /** GET /api/metrics: token null = no Bearer check; then open only when `public`. */
  metrics: { token: string | null; public: boolean };
  /** Scheduled reconcile inside the API (RECONCILE_SCHEDULE); an empty schedule is off. */
  reconcile: ReconcileConfig;
  /** WEBHOOK_PAYLOAD_RETENTION_DAYS: settled deliveries older than this lose their payload (docs/privacy.md). */
  webhookPayloadRetentionDays: number;
  /** The reconcile lease's term (RECONCILE_LEASE_SECONDS); unset: core's default, 60 s. */
  reconcileLeaseMs?: number;
  /** /api/health: no delivery for this long while users were created by fallback syncs is degraded. */
  staleAfterMs: number;
}

export interface ReconcileConfig {
  schedule: ReconcileScheduleEntry[];
  /** Backend API requests per 10 s the scheduled reconcile may make; null: half of Clerk's instance limit. */
  requestsPer10s: number | null;
  /** Users per Backend API page (Clerk allows 1-500). */
  pageSize: number;
}

export interface ReconcileScheduleEntry {
  kind: 'full' | 'incremental';
  everyMs: number;
}

export interface AccessConfig {
  /** ROLES: the roles an admin can give; always includes `admin`. */
  roles: string[];
  /** ADMIN_EMAILS, lower-cased: a user whose verified primary email is listed becomes admin. */
  adminEmails: string[];
}
