import type { AdminUser, AdminUserSummary, AuditEntry, DeliverySummary } from '@usersync/core/http-contract';
import type { AuditLogRow, UserRow, WebhookEventRow, WebhookEventSummary } from '@usersync/core/internal';
import { userStatus } from '@usersync/core/internal';
import { errorResponses } from '../../lib/api-error.ts';
import { toUserIdentity } from '../../lib/profile.ts';

// Rows → the admin JSON (packages/core/src/http-contract/admin.ts). The contract's response schemas
// serialise the answers: a field they do not declare never leaves the server.

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** What every admin route can answer besides its success. */
export const adminErrorResponses = errorResponses(400, 401, 403, 410, 429, 500, 502, 503);

/** `?limit=` passed the contract's pattern (one to three digits): a number. */
export function pageLimit(limit: string | undefined): number | undefined {
  return limit === undefined ? undefined : Number(limit);
}

export function toDeliverySummary(row: WebhookEventSummary | WebhookEventRow): DeliverySummary {
  return {
    svixId: row.svix_id,
    source: row.source,
    type: row.type,
    clerkUserId: row.clerk_user_id,
    status: row.status,
    error: row.error,
    attempts: row.attempts,
    receivedAt: row.created_at.toISOString(),
    processedAt: iso(row.processed_at),
  };
}

export function toAdminUserSummary(user: UserRow): AdminUserSummary {
  return {
    ...toUserIdentity(user),
    role: user.role,
    status: userStatus(user),
    lastSignInAt: iso(user.last_sign_in_at),
    createdAt: user.created_at.toISOString(),
  };
}

export function toAdminUser(user: UserRow): AdminUser {
  return {
    ...toAdminUserSummary(user),
    phoneNumber: user.phone_number,
    publicMetadata: user.public_metadata,
    appMetadata: user.app_metadata,
    clerkUpdatedAt: iso(user.clerk_updated_at),
    deletedAt: iso(user.deleted_at),
    banned: user.banned,
    locked: user.locked,
  };
}

export function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    actor: row.actor,
    actorEmail: row.actor_email,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before,
    after: row.after,
    createdAt: row.created_at.toISOString(),
  };
}
