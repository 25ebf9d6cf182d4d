// `@usersync/config`: every environment variable's rule and default, in one place. Each app composes
// `readSharedConfig` with what only it reads (the API: NODE_ENV, HOST, WEB_ORIGIN, …) in its own env.ts.
export * from './clerk.ts';
export * from './database.ts';
export * from './duration.ts';
export * from './env-variables.ts';
export * from './read-environment.ts';
export * from './repo-root.ts';
export * from './roles.ts';
export * from './sync-options.ts';
