// `@usersync/testing/vitest-global-setup`: every package's vitest globalSetup (a throwaway PostgreSQL).
export { default } from '@usersync/core/testing/vitest-global-setup';
