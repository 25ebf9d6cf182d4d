export {
  type ApplyResult,
  type ApplyStatus,
  applyClerkEvent,
  type ClerkDelivery,
} from './apply-clerk-event.ts';
export { InvalidClerkUserError, unhandledOutcome } from './errors.ts';
export { type ClerkUserFields, FIELD_LIMITS, mapClerkUser, parseClerkUser } from './map-clerk-user.ts';
export { DEFAULT_SYNC_OPTIONS, type SyncOptions, type UserDeleteMode } from './sync-options.ts';
export { type SyncUserResult, syncUserFromClerk } from './sync-user-from-clerk.ts';
export type { WriteOutcome } from './write-clerk-user.ts';
