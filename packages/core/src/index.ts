/**
 * `@usersync/core`, the installable package: this root entry is its public API, small on purpose
 * (docs/use-as-a-library.md). Nothing else is exported from the package; `@usersync/core/internal` and the
 * other workspace-only subpaths serve usersync's own apps and may change (decision 171).
 *
 * - `createDatabase` + `migrateToLatest`: open your PostgreSQL (or an embedded PGlite, an optional peer
 *   dependency) and create or update usersync's tables and functions in it.
 * - `createClerkWebhookHandler`: the Clerk webhook endpoint as a Fetch API `(Request) => Response` handler.
 * - `ensureUser`: the signed-in user's row, read from Clerk's Backend API when the webhook has not arrived.
 * - `applyClerkEvent` / `syncUserFromClerk`: the same rules for a delivery you verified yourself, or a user
 *   you read from Clerk yourself.
 * - `findUserByClerkId` / `findUserById` / `listActiveOrganizationsOfUser`: read the rows your own tables
 *   reference by `users.id`.
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
  listActiveOrganizationsOfUser,
  type UserOrganization,
} from './organizations/organization.repository.ts';
export {
  type ApplyResult,
  type ApplyStatus,
  applyClerkEvent,
  type ClerkDelivery,
} from './sync/apply-clerk-event.ts';
export {
  ClerkUserDeletedError,
  type EnsureUserOptions,
  type EnsureUserResult,
  ensureUser,
} from './sync/ensure-user.ts';
export { InvalidClerkUserError } from './sync/errors.ts';
export type { SyncOptions, UserDeleteMode } from './sync/sync-options.ts';
export { type SyncUserResult, syncUserFromClerk } from './sync/sync-user-from-clerk.ts';
export { findUserByClerkId, findUserById, type UserWithSettings } from './users/user.repository.ts';
export {
  type ClerkWebhookHandlerOptions,
  createClerkWebhookHandler,
} from './webhook/clerk-webhook-handler.ts';
