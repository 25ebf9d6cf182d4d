import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  resolve: {
    // The examples are npm projects outside the workspace (they install the packed @usersync/core); their
    // tests borrow the workspace's test kit by this alias, and nothing else of the workspace.
    alias: ['clerk', 'database', 'svix'].map((kit) => ({
      find: `@usersync/testing/${kit}`,
      replacement: fileURLToPath(import.meta.resolve(`@usersync/testing/${kit}`)),
    })),
  },
  test: {
    dir: repoRoot,
    include: [
      'packages/package-tests/src/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
    ],
    globalSetup: [
      // A throwaway PostgreSQL (unless DATABASE_URL is given), as for every package.
      fileURLToPath(import.meta.resolve('@usersync/testing/vitest-global-setup')),
      // Packs @usersync/core and installs it into the examples.
      fileURLToPath(new URL('./src/pack-core.global-setup.ts', import.meta.url)),
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
