import type { UserWithSettings } from '@usersync/core/users';

/** The profile object of the HTTP contract (apps/web reads exactly this). */
export interface Profile {
  id: string;
  clerkId: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  imageUrl: string | null;
  phoneNumber: string | null;
  role: string;
  settings: { theme: string };
  memberSince: string;
}

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
