import type { Theme } from '../../lib/theme.ts';

/** The profile object of the HTTP contract (sync, GET and PATCH /api/v1/users/profile). */
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
  settings: { theme: Theme };
  memberSince: string;
}

export function displayName(profile: Profile) {
  const full = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  return full || profile.username || profile.email || 'Your account';
}
