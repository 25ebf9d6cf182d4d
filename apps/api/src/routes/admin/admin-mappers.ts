import type { AdminUser, AdminUserSummary, AuditEntry, DeliverySummary } from '@usersync/core/http-contract';
import type { AuditLogRow, UserRow, WebhookEventRow, WebhookEventSummary } from '@usersync/core/internal';
import { userStatus } from '@usersync/core/internal';

// Rows → the admin JSON (packages/core/src/http-contract/admin.ts). The response schemas in
// admin-schemas.ts list the same fields: anything else never leaves the server.

const iso = (date: Date | null) => (date ? date.toISOString() : null);

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
    id: user.id,
    clerkId: user.clerk_id,
    email: user.email,
    emailVerified: user.email_verified,
    firstName: user.first_name,
    lastName: user.last_name,
    username: user.username,
    imageUrl: user.image_url,
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
