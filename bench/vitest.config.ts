import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The fault suites start real API processes and their own PostgreSQL clusters: one file at a time,
// so two suites never compete for the machine's two cores.
export default defineConfig({
  test: {
    include: ['faults/**/*.test.ts'],
    globalSetup: [fileURLToPath(import.meta.resolve('@usersync/testing/vitest-global-setup'))],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
