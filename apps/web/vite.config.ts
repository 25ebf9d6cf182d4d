import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { initialJsSizeReport } from './vite-plugins/initial-js-size-report.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Initial JavaScript budget (gzip), excluding Clerk's own script that @clerk/react loads from Clerk's CDN. */
export const INITIAL_JS_BUDGET_BYTES = 100 * 1024;

export default defineConfig(({ mode }) => ({
  // One `.env` at the repository root serves the API and the SPA; only VITE_* reaches the browser.
  envDir: repoRoot,
  plugins: [react(), initialJsSizeReport({ budgetBytes: INITIAL_JS_BUDGET_BYTES, e2e: mode === 'e2e' })],
  define: {
    // Compile-time switch: true only in `vite build --mode e2e`, so the test-only Clerk hook is
    // removed from every other build (the size report checks that it is).
    __USERSYNC_E2E__: JSON.stringify(mode === 'e2e'),
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: process.env.API_URL ?? 'http://localhost:3000', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: process.env.API_URL ?? 'http://localhost:3000', changeOrigin: false },
    },
  },
  build: {
    target: 'baseline-widely-available',
    // Maps for an error tracker, without the sourceMappingURL comment; the API never serves *.map.
    sourcemap: 'hidden',
  },
}));
