// `@usersync/testing/clerk`: stand-ins for Clerk's servers (keys, session tokens, Backend API).

// Clerk-shaped payloads for deliveries and the Backend API stand-in (from core, for tests outside it).
export {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/internal';
export * from './clerk-session-tokens.ts';
export * from './clerk-stand-ins.ts';
export * from './fake-clerk-backend-api.ts';
