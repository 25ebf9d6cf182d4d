export * from './api-process.ts';
export * from './clerk-session-tokens.ts';
export * from './fake-clerk-backend-api.ts';
export * from './svix-signing.ts';
