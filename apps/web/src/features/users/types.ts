import type { Profile } from '@usersync/core/http-contract';

/** The profile object of the HTTP contract (sync, GET and PATCH /api/v1/users/profile). */
export type { Profile };

export function displayName(profile: Profile) {
  const full = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  return full || profile.username || profile.email || 'Your account';
}
