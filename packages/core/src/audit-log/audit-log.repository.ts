import type { Db } from '../db/create-database.ts';
import { clampPageLimit, olderThanCursor, type Page, toPage } from '../db/keyset-page.ts';
import type { AuditLogRow } from '../db/schema.ts';
import { isUuid } from '../users/user.repository.ts';

/** Who acted: an admin (Clerk id + email), or the CLI / a configured rule (`cli:<os-user>`, `system:ADMIN_EMAILS`). */
export interface AuditActor {
  actor: string;
  actorEmail?: string | null;
}

export const AUDIT_ACTIONS = ['user.role_changed', 'user.resynced', 'webhook_event.replayed'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry extends AuditActor {
  action: AuditAction;
  targetType: 'user' | 'webhook_event';
  targetId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Records one admin action; pass the transaction that made the change, so both commit or neither does. */
export async function recordAuditEntry(db: Db, entry: AuditEntry): Promise<AuditLogRow> {
  return db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      actor_email: entry.actorEmail ?? null,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      before: entry.before == null ? null : JSON.stringify(entry.before),
      after: entry.after == null ? null : JSON.stringify(entry.after),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ListAuditLogOptions {
  limit?: number;
  cursor?: string;
  targetType?: string;
  targetId?: string;
}

/** Newest first, keyset-paged by id. */
export async function listAuditLog(db: Db, options: ListAuditLogOptions = {}): Promise<Page<AuditLogRow>> {
  const limit = clampPageLimit(options.limit);
  if (options.cursor !== undefined && !isUuid(options.cursor)) return { items: [], nextCursor: null };
  let query = db.selectFrom('audit_log').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (options.targetType !== undefined) query = query.where('target_type', '=', options.targetType);
  if (options.targetId !== undefined) query = query.where('target_id', '=', options.targetId);
  if (options.cursor !== undefined) query = query.where(olderThanCursor('audit_log', 'id', options.cursor));
  return toPage(await query.limit(limit + 1).execute(), limit, (row) => row.id);
}
