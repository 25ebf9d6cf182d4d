import type { z } from 'zod';
import {
  type ClerkOrganization,
  clerkOrganizationInvitationSchema,
  clerkOrganizationMembershipSchema,
  clerkOrganizationSchema,
} from '../clerk/clerk-organization-payloads.ts';
import { describeZodError } from '../clerk/clerk-payloads.ts';
import { InvalidClerkPayloadError } from './errors.ts';
import { storableJsonProblem } from './storable-json.ts';

// Clerk organization objects mapped to the flat JSON the SQL rules take (sync/usersync_write_organization*.sql):
// column names, ISO timestamps. Throws InvalidClerkPayloadError for
// what cannot be stored; never truncates.

/** The Clerk-owned columns of an `organizations` row. */
export interface OrganizationFields {
  clerk_id: string;
  name: string;
  slug: string | null;
  image_url: string | null;
  public_metadata: Record<string, unknown>;
  clerk_created_at: string | null;
  clerk_updated_at: string;
}

/** The columns of an `organization_memberships` row, plus the organization the payload embeds. */
export interface OrganizationMembershipFields {
  clerk_id: string;
  clerk_organization_id: string;
  clerk_user_id: string;
  role: string;
  permissions: string[];
  public_metadata: Record<string, unknown>;
  clerk_payload: Record<string, unknown>;
  clerk_created_at: string | null;
  clerk_updated_at: string;
  /** Written first under its own ordering guard; null when the payload carries no usable organization. */
  organization: OrganizationFields | null;
}

export interface OrganizationInvitationFields {
  clerk_id: string;
  clerk_organization_id: string;
  email: string;
  role: string;
  status: string;
  clerk_created_at: string | null;
  clerk_updated_at: string;
}

/** Who a membership delivery is about, for its lock and tombstone (deleted payloads may be partial). */
export interface OrganizationMembershipRef {
  clerk_id: string;
  clerk_organization_id: string | null;
  clerk_user_id: string | null;
}

// Same limits as the CHECK constraints of the organizations migration.
const LIMITS = { id: 255, name: 256, slug: 256, image_url: 2048, email: 320, role: 255, status: 64 } as const;

function parse<S extends z.ZodType>(schema: S, json: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidClerkPayloadError(describeZodError(parsed.error, path));
  return parsed.data;
}

/** Every string and JSON value storable and within its column's limit, or one message naming each problem. */
function check(path: string, values: Record<string, unknown>, limits: Record<string, number>): void {
  const problems = Object.entries(values).flatMap(([key, value]) => {
    if (value === null || value === undefined) return [];
    const limit = limits[key];
    if (typeof value === 'string' && limit !== undefined && [...value].length > limit) {
      return [`${path}.${key}: longer than ${limit} characters`];
    }
    const problem = storableJsonProblem(value);
    return problem ? [`${path}.${key}: ${problem}`] : [];
  });
  if (problems.length > 0) throw new InvalidClerkPayloadError(problems.join('; '));
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
const emptyToNull = (value: string | null | undefined) => (value ? value : null);

function toOrganizationFields(org: ClerkOrganization, path: string): OrganizationFields {
  const fields: OrganizationFields = {
    clerk_id: org.id,
    name: org.name,
    slug: emptyToNull(org.slug),
    image_url: emptyToNull(org.image_url),
    public_metadata: org.public_metadata ?? {},
    clerk_created_at: iso(org.created_at),
    clerk_updated_at: new Date(org.updated_at).toISOString(),
  };
  check(
    path,
    { ...fields },
    { clerk_id: LIMITS.id, name: LIMITS.name, slug: LIMITS.slug, image_url: LIMITS.image_url },
  );
  return fields;
}

/** Maps Clerk's `OrganizationJSON` (webhook `data`, `GET /v1/organizations/{id}`). */
export function mapClerkOrganization(json: unknown, path = 'data'): OrganizationFields {
  return toOrganizationFields(parse(clerkOrganizationSchema, json, path), path);
}

/**
 * Maps Clerk's `OrganizationMembershipJSON`. The organization id is read from the embedded organization,
 * else `organization_id`; the user id from `public_user_data.user_id`, else `user_id`; the role from
 * `role`, else `role_key`; the version from `updated_at`, else `created_at`. An embedded organization
 * that does not parse is left out (the membership is stored and linked when the organization arrives).
 */
export function mapClerkOrganizationMembership(json: unknown, path = 'data'): OrganizationMembershipFields {
  const m = parse(clerkOrganizationMembershipSchema, json, path);
  const organizationId = m.organization?.id ?? m.organization_id ?? null;
  const userId = m.public_user_data?.user_id ?? m.user_id ?? null;
  const role = m.role ?? m.role_key ?? null;
  const updatedAt = m.updated_at ?? m.created_at ?? null;
  const missing = [
    ...(organizationId ? [] : [`${path}.organization.id: required (or ${path}.organization_id)`]),
    ...(userId ? [] : [`${path}.public_user_data.user_id: required (or ${path}.user_id)`]),
    ...(role ? [] : [`${path}.role: required`]),
    ...(updatedAt === null ? [`${path}.updated_at: required (or ${path}.created_at)`] : []),
  ];
  if (missing.length > 0) throw new InvalidClerkPayloadError(missing.join('; '));
  const embedded = m.organization ? clerkOrganizationSchema.safeParse(m.organization) : null;
  const organization =
    embedded?.success && embedded.data.id === organizationId
      ? toOrganizationFields(embedded.data, `${path}.organization`)
      : null;
  const fields: OrganizationMembershipFields = {
    clerk_id: m.id,
    clerk_organization_id: organizationId!,
    clerk_user_id: userId!,
    role: role!,
    permissions: m.permissions ?? [],
    public_metadata: m.public_metadata ?? {},
    clerk_payload: json as Record<string, unknown>,
    clerk_created_at: iso(m.created_at),
    clerk_updated_at: new Date(updatedAt!).toISOString(),
    organization,
  };
  const { organization: _, ...columns } = fields;
  check(path, columns, {
    clerk_id: LIMITS.id,
    clerk_organization_id: LIMITS.id,
    clerk_user_id: LIMITS.id,
    role: LIMITS.role,
  });
  return fields;
}

/** Who an `organizationMembership.deleted` is about: the id, and the organization and user when given. */
export function mapClerkOrganizationMembershipRef(json: unknown, path = 'data'): OrganizationMembershipRef {
  const m = parse(clerkOrganizationMembershipSchema, json, path);
  const ref = {
    clerk_id: m.id,
    clerk_organization_id: m.organization?.id ?? m.organization_id ?? null,
    clerk_user_id: m.public_user_data?.user_id ?? m.user_id ?? null,
  };
  check(path, ref, { clerk_id: LIMITS.id, clerk_organization_id: LIMITS.id, clerk_user_id: LIMITS.id });
  return ref;
}

/** Maps Clerk's `OrganizationInvitationJSON`; a payload without a status is `pending`. */
export function mapClerkOrganizationInvitation(json: unknown, path = 'data'): OrganizationInvitationFields {
  const i = parse(clerkOrganizationInvitationSchema, json, path);
  const fields: OrganizationInvitationFields = {
    clerk_id: i.id,
    clerk_organization_id: i.organization_id,
    email: i.email_address,
    role: i.role,
    status: i.status ?? 'pending',
    clerk_created_at: iso(i.created_at),
    clerk_updated_at: new Date(i.updated_at).toISOString(),
  };
  check(
    path,
    { ...fields },
    {
      clerk_id: LIMITS.id,
      clerk_organization_id: LIMITS.id,
      email: LIMITS.email,
      role: LIMITS.role,
      status: LIMITS.status,
    },
  );
  return fields;
}
