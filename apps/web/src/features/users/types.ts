import type { Profile } from '@usersync/core/http-contract';

// Types only (`import type`): the contract's schemas (TypeBox) stay out of the browser bundle.
export type {
  Plan,
  Profile,
  ProfileOrganization,
  ProfileUpdate,
  SyncResponse,
} from '@usersync/core/http-contract';

export function displayName(profile: Profile) {
  const full = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  return full || profile.username || profile.email || 'Your account';
}
