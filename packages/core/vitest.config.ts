import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: [fileURLToPath(new URL('./src/testing/vitest-global-setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
