/**
 * `@usersync/core/internal`: what usersync's own API, CLI, benchmarks and test kit use beyond the public
 * root entry (repositories, reconcile, the console's rules, the sync's building blocks). Not part of the
 * installable package (decision 171): it changes with the apps, so anything here may change without notice.
 */
export * from './admin/index.ts';
export * from './audit-log/index.ts';
export * from './billing/index.ts';
export * from './clerk/index.ts';
export * from './clerk-backend/index.ts';
export * from './db/index.ts';
export * from './invitations/index.ts';
export * from './local-dev/index.ts';
export * from './migrations/index.ts';
export * from './organizations/index.ts';
export * from './privacy/index.ts';
export * from './reconcile/index.ts';
export * from './reconcile-runs/index.ts';
export * from './repo-root/index.ts';
export * from './sync/index.ts';
export * from './sync-health/index.ts';
export * from './users/index.ts';
export * from './webhook/index.ts';
export * from './webhook-events/index.ts';
