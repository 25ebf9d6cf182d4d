import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export interface WebAppOptions {
  /** Built SPA (apps/web/dist); null or missing: API only. */
  webDistDir: string | null;
  /** Where the SPA is when not served here (development: Vite on :5173): named in a page 404. */
  webOrigins: string[];
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
