import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export interface WebAppOptions {
  /** Built SPA (apps/web/dist); null or missing: API only. */
  webDistDir: string | null;
  /** Where the SPA is when not served here (development: Vite on :5173): named in a page 404. */
  webOrigins: string[];
}

/** Written by the SPA's build (apps/web/vite-plugins/web-build-info.ts) next to index.html. */
const WEB_BUILD_INFO_FILE = 'usersync-build.json';

/**
 * Production: a built SPA must carry the same Clerk publishable key as the API, else it would show a
 * set-up page (no key) or sign people in to another Clerk instance. Returns the problem, or null.
 */
export function checkWebBuild(webDistDir: string | null, publishableKey: string | null): string | null {
  if (webDistDir === null || !existsSync(join(webDistDir, 'index.html'))) return null;
  const fix = 'set CLERK_PUBLISHABLE_KEY and run `npm run build` again (Vite compiles the key into the SPA)';
  let built: string | null = null;
  try {
    const info = JSON.parse(readFileSync(join(webDistDir, WEB_BUILD_INFO_FILE), 'utf8')) as {
      clerkPublishableKey?: unknown;
    };
    built = typeof info.clerkPublishableKey === 'string' ? info.clerkPublishableKey : null;
  } catch {
    return `WEB_DIST_DIR: the web app in ${webDistDir} has no ${WEB_BUILD_INFO_FILE} (built before this check, or not by \`npm run build\`): ${fix}`;
  }
  if (built === null) {
    return `WEB_DIST_DIR: the web app in ${webDistDir} was built without a Clerk publishable key and would only show a set-up page: ${fix}`;
  }
  if (publishableKey !== null && built !== publishableKey) {
    // Publishable keys are public: naming them helps spot the instance.
    return `WEB_DIST_DIR: the web app in ${webDistDir} was built with the publishable key ${built}, but CLERK_PUBLISHABLE_KEY is ${publishableKey}: ${fix}`;
  }
  return null;
}

/**
 * Serves the built SPA from the API's origin (production) and answers everything unknown: JSON 404
 * under /api, else index.html for the SPA's client-side routes.
 */
export default fp<WebAppOptions>(
  async (fastify, { webDistDir, webOrigins }) => {
    const serving = webDistDir !== null && existsSync(join(webDistDir, 'index.html'));
    if (webDistDir !== null && !serving) {
      fastify.log.warn(
        { webDistDir },
        'web app not found (no index.html there): serving the API only. Run `npm run build`, or set WEB_DIST_DIR.',
      );
    }
    if (serving) {
      await fastify.register(fastifyStatic, {
        root: webDistDir,
        wildcard: true,
        index: 'index.html',
        // Source maps (with the sources) are for our error tracker, not for every visitor.
        allowedPath: (path) => !path.endsWith('.map'),
        setHeaders(reply, path) {
          // Vite fingerprints everything under assets/; index.html must be revalidated to pick them up.
          reply.header(
            'cache-control',
            path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    }

    fastify.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      const isApi = path === '/api' || path.startsWith('/api/');
      const wantsPage =
        (request.method === 'GET' || request.method === 'HEAD') &&
        (request.headers.accept ?? '').includes('text/html');
      if (serving && !isApi && wantsPage) {
        return reply.header('cache-control', 'no-cache').type('text/html').sendFile('index.html');
      }
      // A page asked of an API that does not serve the SPA (e.g. :3000 in `npm run dev`): point at it.
      const elsewhere =
        !serving && !isApi && webOrigins[0]
          ? `. This is the usersync API; the web app is at ${webOrigins[0]}`
          : '';
      return reply
        .code(404)
        .send({ error: `Not found: ${request.method} ${path}${elsewhere}`, code: 'not_found' });
    });
  },
  { name: 'web-app', fastify: '5.x' },
);
