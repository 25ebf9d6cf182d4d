import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A throwaway PostgreSQL (unless DATABASE_URL is given), as for every package.
    globalSetup: [fileURLToPath(import.meta.resolve('@usersync/testing/vitest-global-setup'))],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
