import { z } from 'zod';
import { ORGANIZATION_EVENT_TYPES, type OrganizationEventType } from '../http-contract/lists.ts';
import { clerkIdSchema as clerkId, msTimestampSchema as msTimestamp } from './clerk-payloads.ts';

// Clerk's organization, membership and organization-invitation objects (webhook `data` and Backend API).
// Tolerant on purpose: membership payloads seen in the wild drift from the documented shape (the
// organization or public_user_data missing, role under another name), so only what a row cannot do
// without is required, and each id may come from more than one place (see mapping).

const metadata = z.record(z.string(), z.unknown()).nullable().optional();

/** `OrganizationJSON`: timestamps are milliseconds; slug and image_url may be absent. */
export const clerkOrganizationSchema = z.looseObject({
  id: clerkId,
  object: z.literal('organization').optional(),
  name: z.string(),
  slug: z.string().nullable().optional(),
  image_url: z.string().nullable().optional(),
  public_metadata: metadata,
  created_at: msTimestamp.optional(),
  updated_at: msTimestamp,
});
export type ClerkOrganization = z.output<typeof clerkOrganizationSchema>;

/** `OrganizationMembershipJSON`, loosely: everything but the id is optional here and checked in mapping. */
export const clerkOrganizationMembershipSchema = z.looseObject({
  id: clerkId,
  object: z.string().optional(),
  role: z.string().nullable().optional(),
  role_key: z.string().nullable().optional(),
  permissions: z.array(z.string()).nullable().optional(),
  public_metadata: metadata,
  organization: z.looseObject({ id: clerkId }).nullable().optional(),
  organization_id: clerkId.nullable().optional(),
  public_user_data: z.looseObject({ user_id: clerkId.nullable().optional() }).nullable().optional(),
  user_id: clerkId.nullable().optional(),
  created_at: msTimestamp.nullable().optional(),
  updated_at: msTimestamp.nullable().optional(),
});
export type ClerkOrganizationMembership = z.output<typeof clerkOrganizationMembershipSchema>;

/** `OrganizationInvitationJSON`. */
export const clerkOrganizationInvitationSchema = z.looseObject({
  id: clerkId,
  object: z.string().optional(),
  email_address: z.string(),
  role: z.string().min(1),
  organization_id: clerkId,
  status: z.string().min(1).optional(),
  created_at: msTimestamp.optional(),
  updated_at: msTimestamp,
});
export type ClerkOrganizationInvitation = z.output<typeof clerkOrganizationInvitationSchema>;

export { ORGANIZATION_EVENT_TYPES, type OrganizationEventType };

export function isOrganizationEventType(type: string): type is OrganizationEventType {
  return (ORGANIZATION_EVENT_TYPES as readonly string[]).includes(type);
}
