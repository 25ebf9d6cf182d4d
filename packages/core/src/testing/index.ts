export * from './describe-each-database.ts';
export * from './free-port.ts';
export * from './shuffled.ts';
export * from './test-database.ts';
export * from './throwaway-pgbouncer.ts';
export * from './throwaway-postgres.ts';
export { default as vitestGlobalSetup, testDatabaseKinds } from './vitest-global-setup.ts';
