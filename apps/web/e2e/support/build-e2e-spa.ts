import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const webRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the SPA in the `e2e` mode (the only build that reads window.__USERSYNC_TEST_CLERK__) into a
 * temp folder, with the given publishable key. Returns the folder, to serve as WEB_DIST_DIR.
 */
export async function buildE2eSpa(options: { publishableKey: string }): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'usersync-web-e2e-'));
  const saved = {
    key: process.env.CLERK_PUBLISHABLE_KEY,
    api: process.env.VITE_API_URL,
    nodeEnv: process.env.NODE_ENV,
  };
  // A real variable wins over .env files: a developer's own key cannot leak into this build.
  process.env.CLERK_PUBLISHABLE_KEY = options.publishableKey;
  // Vitest sets NODE_ENV=test, which would bundle React's development build.
  process.env.NODE_ENV = 'production';
  delete process.env.VITE_API_URL; // same origin, like production
  try {
    await build({
      root: webRoot,
      configFile: join(webRoot, 'vite.config.ts'),
      mode: 'e2e',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    if (saved.key === undefined) delete process.env.CLERK_PUBLISHABLE_KEY;
    else process.env.CLERK_PUBLISHABLE_KEY = saved.key;
    if (saved.api !== undefined) process.env.VITE_API_URL = saved.api;
    process.env.NODE_ENV = saved.nodeEnv;
  }
  return outDir;
}
