import { sql } from 'kysely';
import { billingOfPayer } from '../billing/billing.repository.ts';
import type { Db } from '../db/create-database.ts';
import type {
  AuditLogRow,
  BillingSubscriptionItemRow,
  BillingSubscriptionRow,
  InvitationRow,
  OrganizationInvitationRow,
  OrganizationMembershipRow,
  UserRow,
  UserSettingsRow,
} from '../db/schema.ts';

/** One delivery that named the person: its record, never its payload. */
export interface DeliveryMetadata {
  svix_id: string;
  source: string;
  type: string | null;
  status: string;
  attempts: number;
  created_at: Date;
  processed_at: Date | null;
  payload_redacted_at: Date | null;
}

/**
 * Everything usersync stores about one person (docs/privacy.md), for `usersync users export`. No
 * secrets: none of these tables holds any (tokens and keys never reach the database).
 */
export interface UserExport {
  clerkId: string;
  exportedAt: string;
  user: UserRow | null;
  settings: Pick<UserSettingsRow, 'theme' | 'preferences' | 'created_at' | 'updated_at'> | null;
  /** Set when the person was deleted: the id is kept so that no late event brings them back. */
  deletedAt: Date | null;
  organizationMemberships: OrganizationMembershipRow[];
  /** Organization invitations sent to their (primary) address. */
  organizationInvitations: OrganizationInvitationRow[];
  /** usersync's own invitations claimed by them or open for their address. */
  invitations: InvitationRow[];
  billing: { subscriptions: BillingSubscriptionRow[]; items: BillingSubscriptionItemRow[] };
  /** Admin actions on them, and by them. */
  auditEntries: AuditLogRow[];
  /** Deliveries from Clerk that were about them (records only). */
  deliveries: DeliveryMetadata[];
}

/** Null when nothing at all is stored under this Clerk id (no row, no tombstone). */
export async function exportUserData(db: Db, clerkId: string): Promise<UserExport | null> {
  const [user, tombstone] = await Promise.all([
    db.selectFrom('users').selectAll().where('clerk_id', '=', clerkId).executeTakeFirst(),
    db.selectFrom('user_tombstones').select('deleted_at').where('clerk_id', '=', clerkId).executeTakeFirst(),
  ]);
  if (!user && !tombstone) return null;
  const email = user?.email?.toLowerCase() ?? null;
  const related = await awaitAll({
    settings: user
      ? db
          .selectFrom('user_settings')
          .select(['theme', 'preferences', 'created_at', 'updated_at'])
          .where('user_id', '=', user.id)
          .executeTakeFirst()
      : undefined,
    organizationMemberships: db
      .selectFrom('organization_memberships')
      .selectAll()
      .where('clerk_user_id', '=', clerkId)
      .execute(),
    organizationInvitations: email
      ? db
          .selectFrom('organization_invitations')
          .selectAll()
          .where(sql<string>`lower(email)`, '=', email)
          .execute()
      : [],
    invitations: db
      .selectFrom('invitations')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(user ? [eb('claimed_by_user_id', '=', user.id)] : []),
          ...(email ? [eb('email', '=', email)] : []),
          eb.val(false),
        ]),
      )
      .execute(),
    billing: billingOfPayer(db, { clerkUserId: clerkId }),
    auditEntries: db
      .selectFrom('audit_log')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('target_type', '=', 'user'), eb('target_id', '=', clerkId)]),
          eb('actor', '=', clerkId),
        ]),
      )
      .orderBy('created_at')
      .execute(),
    deliveries: deliveriesNaming(db, clerkId, email),
  });
  return {
    clerkId,
    exportedAt: new Date().toISOString(),
    user: user ?? null,
    deletedAt: tombstone?.deleted_at ?? user?.deleted_at ?? null,
    ...related,
    settings: related.settings ?? null,
  };
}

/** Awaits an object's promises together: each result under its own name. */
async function awaitAll<T extends Record<string, unknown>>(
  promises: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const entries = await Promise.all(
    Object.entries(promises).map(async ([name, value]) => [name, await value] as const),
  );
  return Object.fromEntries(entries) as { [K in keyof T]: Awaited<T[K]> };
}

// The same three ways a delivery names a person as the redaction when they are deleted
// (usersync_forget_person): the user's own events, members' public_user_data and billing payers, and
// invitations to their address. Redacted deliveries are found by their own record (clerk_user_id) only.
async function deliveriesNaming(db: Db, clerkId: string, email: string | null): Promise<DeliveryMetadata[]> {
  const { rows } = await sql<DeliveryMetadata>`
    SELECT svix_id, source, type, status, attempts, created_at, processed_at, payload_redacted_at
    FROM webhook_events w
    WHERE w.clerk_user_id = ${clerkId}
      OR (w.payload_redacted_at IS NULL
        AND (w.type LIKE 'organizationMembership.%' OR w.type LIKE 'subscription%' OR w.type LIKE 'paymentAttempt.%')
        AND coalesce(w.payload #>> '{data,public_user_data,user_id}', w.payload #>> '{data,payer,user_id}') = ${clerkId})
      OR (${email}::text IS NOT NULL AND w.payload_redacted_at IS NULL AND w.type LIKE 'organizationInvitation.%'
        AND lower(w.payload #>> '{data,email_address}') = ${email})
    ORDER BY w.created_at, w.svix_id
  `.execute(db);
  return rows;
}
