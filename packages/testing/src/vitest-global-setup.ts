// `@usersync/testing/vitest-global-setup`: every package's vitest globalSetup (a throwaway PostgreSQL).
export { vitestGlobalSetup as default } from '@usersync/core/testing';
