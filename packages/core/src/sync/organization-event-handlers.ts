import type { ClerkWebhookEnvelope } from '../clerk/clerk-payloads.ts';
import { clerkDeletedObjectSchema, describeZodError } from '../clerk/clerk-payloads.ts';
import { InvalidClerkPayloadError } from './errors.ts';
import {
  mapClerkOrganization,
  mapClerkOrganizationInvitation,
  mapClerkOrganizationMembership,
  mapClerkOrganizationMembershipRef,
  type OrganizationMembershipRef,
} from './map-clerk-organization.ts';
import { clerkUserLockKey } from './write-clerk-user.ts';

// The organization rows of the write path's dispatch table (docs/decisions/070, 080): each Clerk event
// type is validated and mapped here, and applied by its SQL handler
// (sync/usersync_apply_clerk_organization_*.sql) in the one statement of its delivery.

type Prepared = { kind: string; lockKey: string; lockKeys?: string[]; data: object } | { invalid: string };

// The keys the SQL rules lock (sync/usersync_lock_clerk_id.sql): 'usersync:' || kind || ':' || clerk id.
export const organizationLockKey = (id: string) => `usersync:organization:${id}`;
const membershipLockKey = (id: string) => `usersync:organization_membership:${id}`;
const invitationLockKey = (id: string) => `usersync:organization_invitation:${id}`;

/** A membership's subjects, each locked: its organization, itself, its user (when known). */
function membershipLockKeys(ref: OrganizationMembershipRef): string[] {
  return [
    ...(ref.clerk_organization_id ? [organizationLockKey(ref.clerk_organization_id)] : []),
    membershipLockKey(ref.clerk_id),
    ...(ref.clerk_user_id ? [clerkUserLockKey(ref.clerk_user_id)] : []),
  ];
}

/** A handler whose mapping throws InvalidClerkPayloadError answers `{ invalid }` (422, nothing written). */
export function invalidOn<P>(prepare: (envelope: ClerkWebhookEnvelope) => P) {
  return (envelope: ClerkWebhookEnvelope): P | { invalid: string } => {
    try {
      return prepare(envelope);
    } catch (error) {
      if (error instanceof InvalidClerkPayloadError) return { invalid: error.message };
      throw error;
    }
  };
}

// Deletions carry no updated_at; the envelope's timestamp is when Clerk deleted the object.
const deletedAt = (envelope: ClerkWebhookEnvelope) =>
  new Date(envelope.timestamp ?? Date.now()).toISOString();

const prepareOrganizationUpsert = invalidOn((envelope) => {
  const fields = mapClerkOrganization(envelope.data);
  return { kind: 'organization.upsert', lockKey: organizationLockKey(fields.clerk_id), data: fields };
});

const prepareOrganizationDelete = invalidOn((envelope) => {
  const data = clerkDeletedObjectSchema.safeParse(envelope.data);
  if (!data.success) return { invalid: describeZodError(data.error, 'data') };
  if (data.data.id.length > 255) return { invalid: 'data.id: longer than 255 characters' };
  return {
    kind: 'organization.delete',
    lockKey: organizationLockKey(data.data.id),
    data: { clerk_id: data.data.id, deleted_at: deletedAt(envelope) },
  };
});

const prepareMembershipUpsert = invalidOn((envelope) => {
  const fields = mapClerkOrganizationMembership(envelope.data);
  const [lockKey, ...lockKeys] = membershipLockKeys(fields);
  return { kind: 'organization_membership.upsert', lockKey: lockKey!, lockKeys, data: fields };
});

// A deleted membership may carry the whole membership or only its id.
const prepareMembershipDelete = invalidOn((envelope) => {
  const ref = mapClerkOrganizationMembershipRef(envelope.data);
  const [lockKey, ...lockKeys] = membershipLockKeys(ref);
  return {
    kind: 'organization_membership.delete',
    lockKey: lockKey!,
    lockKeys,
    data: { ...ref, deleted_at: deletedAt(envelope) },
  };
});

/** An invitation event whose payload leaves the status out: the event names it. */
function prepareInvitation(statusOfEvent: 'pending' | 'accepted' | 'revoked') {
  return invalidOn((envelope) => {
    const fields = mapClerkOrganizationInvitation(envelope.data);
    const hasStatus = typeof (envelope.data as { status?: unknown }).status === 'string';
    return {
      kind: 'organization_invitation.upsert',
      lockKey: invitationLockKey(fields.clerk_id),
      data: hasStatus ? fields : { ...fields, status: statusOfEvent },
    };
  });
}

export const ORGANIZATION_EVENT_HANDLERS = {
  'organization.created': prepareOrganizationUpsert,
  'organization.updated': prepareOrganizationUpsert,
  'organization.deleted': prepareOrganizationDelete,
  'organizationMembership.created': prepareMembershipUpsert,
  'organizationMembership.updated': prepareMembershipUpsert,
  'organizationMembership.deleted': prepareMembershipDelete,
  'organizationInvitation.created': prepareInvitation('pending'),
  'organizationInvitation.accepted': prepareInvitation('accepted'),
  'organizationInvitation.revoked': prepareInvitation('revoked'),
} as const satisfies Record<string, (envelope: ClerkWebhookEnvelope) => Prepared>;
