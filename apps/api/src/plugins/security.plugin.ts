import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { frontendApiHostFromPublishableKey } from '@usersync/config';
import fp from 'fastify-plugin';
import { ApiError } from '../lib/api-error.ts';

export interface SecurityOptions {
  webOrigins: string[];
  /** Names the Clerk Frontend API host the SPA loads Clerk's JS from. */
  publishableKey: string | null;
}

/**
 * CORS for the SPA origins only, and security headers whose CSP lets the served SPA run Clerk:
 * its script and API calls go to the instance's Frontend API host, avatars come from img.clerk.com,
 * bot protection from challenges.cloudflare.com (Clerk's documented CSP requirements).
 */
export default fp<SecurityOptions>(
  async (fastify, { webOrigins, publishableKey }) => {
    // @fastify/cors answers these in plain text; ours come first, in the { error, code } shape.
    fastify.addHook('onRequest', async (request) => {
      if (
        request.method === 'OPTIONS' &&
        (!request.headers.origin || !request.headers['access-control-request-method'])
      ) {
        throw new ApiError(400, 'Invalid preflight request: send Origin and Access-Control-Request-Method', {
          code: 'invalid_preflight',
        });
      }
    });
    await fastify.register(cors, {
      origin: webOrigins.length > 0 ? webOrigins : false,
      methods: ['GET', 'POST', 'PATCH'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: [
        'retry-after',
        'x-request-id',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    });

    const frontendApi = frontendApiHostFromPublishableKey(publishableKey);
    const clerkHosts = frontendApi ? [`https://${frontendApi}`] : [];
    await fastify.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", ...clerkHosts, 'https://challenges.cloudflare.com'],
          connectSrc: ["'self'", ...clerkHosts, ...webOrigins],
          imgSrc: ["'self'", 'data:', 'https://img.clerk.com'],
          workerSrc: ["'self'", 'blob:'],
          // Clerk's components style themselves at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          frameSrc: ["'self'", 'https://challenges.cloudflare.com'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // TLS is the proxy's business; upgrading would break the SPA served over plain http (localhost).
          upgradeInsecureRequests: null,
        },
      },
      // Social sign-in can open a popup that must be able to report back.
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    });
  },
  { name: 'security', fastify: '5.x' },
);
