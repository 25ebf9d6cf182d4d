export {
  type ApplyResult,
  type ApplyStatus,
  applyClerkEvent,
  applyClerkEvents,
  type ClerkDelivery,
  DeliveryFailedError,
  GROUP_COMMIT,
} from './apply-clerk-event.ts';
export {
  CLERK_EVENT_HANDLERS,
  type PrepareClerkEvent,
  type PreparedClerkEvent,
} from './clerk-event-handlers.ts';
export {
  ClerkUserDeletedError,
  type EnsureUserOptions,
  type EnsureUserResult,
  ensureUser,
  findSyncedUser,
  syncStatusOf,
} from './ensure-user.ts';
export { InvalidClerkPayloadError, InvalidClerkUserError, unhandledOutcome } from './errors.ts';
export {
  mapClerkOrganization,
  mapClerkOrganizationInvitation,
  mapClerkOrganizationMembership,
  type OrganizationFields,
  type OrganizationInvitationFields,
  type OrganizationMembershipFields,
} from './map-clerk-organization.ts';
export { type ClerkUserFields, FIELD_LIMITS, mapClerkUser, parseClerkUser } from './map-clerk-user.ts';
export {
  DEFAULT_SYNC_OPTIONS,
  type SyncOptions,
  USER_DELETE_MODES,
  type UserDeleteMode,
} from './sync-options.ts';
export { type SyncUserResult, syncUserFromClerk } from './sync-user-from-clerk.ts';
export {
  type MembershipWriteOutcome,
  type OrganizationWriteOutcome,
  writeOrganization,
  writeOrganizationMembership,
} from './write-clerk-organization.ts';
export type { WriteOutcome } from './write-clerk-user.ts';
