import type { Profile } from '@usersync/core/http-contract';
import type { UserWithSettings } from '@usersync/core/users';

/**
 * A users row as the contract's Profile. Settings other than `theme` come from `preferences`; the
 * response schema serialises only the settings the contract declares, so nothing else leaks.
 */
export function toProfile(user: UserWithSettings): Profile {
  return {
    id: user.id,
    clerkId: user.clerk_id,
    email: user.email,
    emailVerified: user.email_verified,
    firstName: user.first_name,
    lastName: user.last_name,
    username: user.username,
    imageUrl: user.image_url,
    phoneNumber: user.phone_number,
    role: user.role,
    settings: { ...user.settings.preferences, theme: user.settings.theme },
    memberSince: user.created_at.toISOString(),
  };
}
