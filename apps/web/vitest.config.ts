import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  define: { __USERSYNC_E2E__: 'false' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['./src/testing/setup-tests.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.test.ts'],
          // A throwaway PostgreSQL for the API under test (unless DATABASE_URL is given).
          globalSetup: [fileURLToPath(import.meta.resolve('@usersync/testing/vitest-global-setup'))],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
