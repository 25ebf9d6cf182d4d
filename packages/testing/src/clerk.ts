// `@usersync/testing/clerk`: stand-ins for Clerk's servers (keys, session tokens, Backend API).
export * from './clerk-session-tokens.ts';
export * from './clerk-stand-ins.ts';
export * from './fake-clerk-backend-api.ts';
