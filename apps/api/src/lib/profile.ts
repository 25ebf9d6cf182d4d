import type { Profile } from '@usersync/core/http-contract';
import type { UserWithSettings } from '@usersync/core/users';

export type { Profile };

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
    settings: { theme: user.settings.theme },
    memberSince: user.created_at.toISOString(),
  };
}
