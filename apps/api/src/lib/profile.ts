import type { Profile } from '@usersync/core/http-contract';
import type { Db, UserRow, UserWithSettings } from '@usersync/core/internal';
import { listActiveOrganizationsOfUser, type UserOrganization } from '@usersync/core/internal';

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

/**
 * A users row and their active organizations as the contract's Profile. Settings other than `theme`
 * come from `preferences`; the response schema serialises only the settings the contract declares,
 * so nothing else leaks.
 */
export function toProfile(user: UserWithSettings, organizations: UserOrganization[]): Profile {
  return {
    ...toUserIdentity(user),
    phoneNumber: user.phone_number,
    role: user.role,
    settings: { ...user.settings.preferences, theme: user.settings.theme },
    memberSince: user.created_at.toISOString(),
    organizations: organizations.map((o) => ({
      id: o.clerk_id,
      name: o.name,
      slug: o.slug,
      imageUrl: o.image_url,
      role: o.role,
    })),
  };
}

/** The profile of a user as stored now, with their active organizations. */
export async function loadProfile(db: Db, user: UserWithSettings): Promise<Profile> {
  return toProfile(user, await listActiveOrganizationsOfUser(db, user.clerk_id));
}
