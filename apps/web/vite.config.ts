import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';
import { initialJsSizeReport } from './vite-plugins/initial-js-size-report.ts';
import { themeInitScript } from './vite-plugins/theme-init-script.ts';
import { webBuildInfo } from './vite-plugins/web-build-info.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Initial JavaScript budget (gzip), excluding Clerk's own script that @clerk/react loads from Clerk's CDN. */
export const INITIAL_JS_BUDGET_BYTES = 100 * 1024;

/** Variables that reach the browser: VITE_*, and the publishable key the API reads too (it is public). */
export const ENV_PREFIXES = ['VITE_', 'CLERK_PUBLISHABLE_KEY'];

export default defineConfig(({ mode }) => ({
  // One `.env` at the repository root serves the API and the SPA.
  envDir: repoRoot,
  envPrefix: ENV_PREFIXES,
  plugins: [
    react(),
    themeInitScript(),
    initialJsSizeReport({ budgetBytes: INITIAL_JS_BUDGET_BYTES, e2e: mode === 'e2e' }),
    // What the API checks before serving this build in production (same key as CLERK_PUBLISHABLE_KEY).
    webBuildInfo(publishableKeyOf(loadEnv(mode, repoRoot, ENV_PREFIXES))),
  ],
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
    // The size report below prints the one gzip figure that counts (the initial JavaScript, in KB);
    // Vite's own per-file gzip column printed a second, different-looking one right above it.
    reportCompressedSize: false,
  },
}));

/** CLERK_PUBLISHABLE_KEY; VITE_CLERK_PUBLISHABLE_KEY is still read when it is the only one set. */
function publishableKeyOf(env: Record<string, string>): string | null {
  return env.CLERK_PUBLISHABLE_KEY?.trim() || env.VITE_CLERK_PUBLISHABLE_KEY?.trim() || null;
}
