import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starts the real API and Vite: slow on a busy 2-core machine.
    testTimeout: 180_000,
  },
});
