import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A throwaway PostgreSQL (unless DATABASE_URL is given), as for every package.
    globalSetup: [
      fileURLToPath(import.meta.resolve('@usersync/testing/vitest-global-setup')),
      fileURLToPath(new URL('./src/pack-core.global-setup.ts', import.meta.url)),
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
