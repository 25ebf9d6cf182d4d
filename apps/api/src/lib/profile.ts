import type { Plan, Profile } from '@usersync/core/http-contract';
import type { Db, UserRow, UserWithSettings } from '@usersync/core/internal';
import {
  type CurrentPlan,
  currentPlansOfUser,
  listActiveOrganizationsOfUser,
  type UserOrganization,
} from '@usersync/core/internal';

/** The identity fields every user object in the contract shares (UserIdentityProperties), from a users row. */
export function toUserIdentity(user: UserRow) {
  return {
    id: user.id,
    clerkId: user.clerk_id,
    email: user.email,
    emailVerified: user.email_verified,
    firstName: user.first_name,
    lastName: user.last_name,
    username: user.username,
    imageUrl: user.image_url,
  };
}

/** The current plans of a user and of their organizations (Clerk's ids), as currentPlansOfUser reads them. */
export interface ProfilePlans {
  user: CurrentPlan | null;
  organizations: Map<string, CurrentPlan>;
}

const NO_PLANS: ProfilePlans = { user: null, organizations: new Map() };

/** A payer's current plan as the contract's Plan (decision 182). */
export function toPlan(plan: CurrentPlan | null | undefined): Plan {
  if (!plan) return null;
  return {
    slug: plan.slug,
    name: plan.name,
    status: plan.status,
    periodEnd: plan.periodEnd?.toISOString() ?? null,
  };
}

/**
 * A users row and their active organizations as the contract's Profile. Settings other than `theme`
 * come from `preferences`; the response schema serialises only the settings the contract declares,
 * so nothing else leaks.
 */
export function toProfile(
  user: UserWithSettings,
  organizations: UserOrganization[],
  plans: ProfilePlans = NO_PLANS,
): Profile {
  return {
    ...toUserIdentity(user),
    phoneNumber: user.phone_number,
    role: user.role,
    settings: { ...user.settings.preferences, theme: user.settings.theme },
    memberSince: user.created_at.toISOString(),
    plan: toPlan(plans.user),
    organizations: organizations.map((o) => ({
      id: o.clerk_id,
      name: o.name,
      slug: o.slug,
      imageUrl: o.image_url,
      role: o.role,
      plan: toPlan(plans.organizations.get(o.clerk_id)),
    })),
  };
}

/** The profile of a user as stored now, with their active organizations and the plans of both. */
export async function loadProfile(db: Db, user: UserWithSettings): Promise<Profile> {
  const [organizations, plans] = await Promise.all([
    listActiveOrganizationsOfUser(db, user.clerk_id),
    currentPlansOfUser(db, user.clerk_id),
  ]);
  return toProfile(user, organizations, plans);
}
