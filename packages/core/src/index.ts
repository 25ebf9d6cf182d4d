/**
 * `@usersync/core` as a library in your own Node backend: this is its public API, small on purpose
 * (docs/use-as-a-library.md). The subpath exports (`@usersync/core/sync`, `/db`, …) serve usersync's own
 * apps and may change.
 *
 * - `createDatabase` + `migrateToLatest`: open your PostgreSQL (or an embedded PGlite) and create or
 *   update usersync's tables in it.
 * - `applyClerkEvent`: apply one Clerk webhook delivery whose Svix signature you verified on the raw body.
 * - `syncUserFromClerk`: apply a user you read from Clerk's Backend API (when the webhook has not arrived).
 * - `findUserByClerkId` / `findUserById`: read the row your own tables reference by `users.id`.
 */
export {
  createDatabase,
  type DatabaseConfig,
  type DatabaseHandle,
  type Db,
  isDatabaseUnavailableError,
} from './db/create-database.ts';
export type { Database, UserRow } from './db/schema.ts';
export { MigrationFailedError, migrateToLatest, migrationStatus } from './migrations/index.ts';
export {
  type ApplyResult,
  type ApplyStatus,
  applyClerkEvent,
  type ClerkDelivery,
} from './sync/apply-clerk-event.ts';
export { InvalidClerkUserError } from './sync/errors.ts';
export type { SyncOptions, UserDeleteMode } from './sync/sync-options.ts';
export { type SyncUserResult, syncUserFromClerk } from './sync/sync-user-from-clerk.ts';
export { findUserByClerkId, findUserById, type UserWithSettings } from './users/user.repository.ts';
