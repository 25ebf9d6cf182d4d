import { sql } from 'kysely';
import type { OrganizationEventType } from '../clerk/clerk-organization-payloads.ts';
import type { ClerkWebhookEnvelope } from '../clerk/clerk-payloads.ts';
import { clerkDeletedObjectSchema, describeZodError } from '../clerk/clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { InvalidClerkPayloadError } from './errors.ts';
import {
  mapClerkOrganization,
  mapClerkOrganizationInvitation,
  mapClerkOrganizationMembership,
  mapClerkOrganizationMembershipRef,
  type OrganizationFields,
  type OrganizationMembershipFields,
} from './map-clerk-organization.ts';
import type { UserDeleteMode } from './sync-options.ts';

// The TypeScript side of the organization rules: which SQL rule a delivery calls, with which fields.
// The rules themselves (ordering guard, tombstones, locks, links) live in the SQL functions of
// migration 2026_11_30_0200_organizations; each call here is one statement.

export type OrganizationAction =
  | 'write_organization'
  | 'delete_organization'
  | 'write_organization_membership'
  | 'delete_organization_membership'
  | 'write_organization_invitation';

export type OrganizationDeliveryPlan =
  | { action: OrganizationAction; fields: Record<string, unknown> }
  | { invalid: string };

/** What one organization-kind delivery will do, or why it is invalid. Parses and maps only. */
export function planOrganizationDelivery(
  type: OrganizationEventType,
  envelope: ClerkWebhookEnvelope,
): OrganizationDeliveryPlan {
  const deletedAt = new Date(envelope.timestamp ?? Date.now()).toISOString();
  try {
    switch (type) {
      case 'organization.created':
      case 'organization.updated':
        return { action: 'write_organization', fields: { ...mapClerkOrganization(envelope.data) } };
      case 'organization.deleted': {
        const data = clerkDeletedObjectSchema.safeParse(envelope.data);
        if (!data.success) return { invalid: describeZodError(data.error, 'data') };
        if (data.data.id.length > 255) return { invalid: 'data.id: longer than 255 characters' };
        return { action: 'delete_organization', fields: { clerk_id: data.data.id, deleted_at: deletedAt } };
      }
      case 'organizationMembership.created':
      case 'organizationMembership.updated':
        return {
          action: 'write_organization_membership',
          fields: { ...mapClerkOrganizationMembership(envelope.data) },
        };
      case 'organizationMembership.deleted':
        return {
          action: 'delete_organization_membership',
          fields: { ...mapClerkOrganizationMembershipRef(envelope.data), deleted_at: deletedAt },
        };
      case 'organizationInvitation.created':
      case 'organizationInvitation.accepted':
      case 'organizationInvitation.revoked':
        return {
          action: 'write_organization_invitation',
          fields: { ...defaultInvitationStatus(type, mapClerkOrganizationInvitation(envelope.data)) },
        };
      default: {
        const unhandled: never = type;
        return { invalid: `event type ${String(unhandled)} has no rule` };
      }
    }
  } catch (error) {
    if (error instanceof InvalidClerkPayloadError) return { invalid: error.message };
    throw error;
  }
}

// The event names the status when the payload leaves it out.
function defaultInvitationStatus<T extends { status: string }>(type: OrganizationEventType, fields: T): T {
  const fromType = type.endsWith('.accepted') ? 'accepted' : type.endsWith('.revoked') ? 'revoked' : null;
  return fromType && fields.status === 'pending' ? { ...fields, status: fromType } : fields;
}

export interface OrganizationDeliveryOutcome {
  status: 'applied' | 'duplicate' | 'stale';
  reason: string | null;
}

/**
 * Applies one organization-kind delivery in one statement: claims the svix-id in webhook_events, runs
 * the rule, records the outcome (usersync_apply_organization_delivery).
 */
export async function applyOrganizationDelivery(
  db: Db,
  delivery: {
    svixId: string;
    source: string;
    type: string;
    clerkUserId: string | null;
    payload: unknown;
  },
  plan: { action: OrganizationAction; fields: Record<string, unknown> },
  deleteMode: UserDeleteMode,
): Promise<OrganizationDeliveryOutcome> {
  const { rows } = await sql<{ result: OrganizationDeliveryOutcome }>`
    SELECT usersync_apply_organization_delivery(
      ${delivery.svixId}, ${delivery.source}, ${delivery.type}, ${delivery.clerkUserId},
      ${JSON.stringify(delivery.payload)}::jsonb, ${plan.action}, ${JSON.stringify(plan.fields)}::jsonb,
      ${deleteMode}
    ) AS result
  `.execute(db);
  const result = rows[0]?.result;
  if (!result) throw new Error('usersync_apply_organization_delivery returned nothing');
  return result;
}

export type OrganizationWriteOutcome = 'created' | 'updated' | 'unchanged' | 'stale' | 'deleted';
export type MembershipWriteOutcome = OrganizationWriteOutcome | 'organization-deleted' | 'user-deleted';

/** The organization rule for data read from Clerk's Backend API (fallback sync, reconcile): one statement. */
export async function writeOrganization(
  db: Db,
  fields: OrganizationFields,
): Promise<OrganizationWriteOutcome> {
  const { rows } = await sql<{ outcome: OrganizationWriteOutcome }>`
    SELECT usersync_write_organization(${JSON.stringify(fields)}::jsonb) AS outcome
  `.execute(db);
  return rows[0]!.outcome;
}

/** The membership rule for data read from Clerk's Backend API: one statement. */
export async function writeOrganizationMembership(
  db: Db,
  fields: OrganizationMembershipFields,
): Promise<MembershipWriteOutcome> {
  const { rows } = await sql<{ outcome: MembershipWriteOutcome }>`
    SELECT usersync_write_organization_membership(
      ${JSON.stringify(fields)}::jsonb, ${fields.organization === null ? null : JSON.stringify(fields.organization)}::jsonb
    ) AS outcome
  `.execute(db);
  return rows[0]!.outcome;
}
