import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../config.ts';
import { ApiError, errorResponses } from '../lib/api-error.ts';

export interface MetricsRouteOptions {
  metrics: AppConfig['metrics'];
}

/**
 * GET /api/metrics: Prometheus text exposition. With METRICS_TOKEN set, only `Authorization: Bearer
 * <token>` gets it (compared in constant time); without one it is open only where allowed (development,
 * or METRICS_PUBLIC=true: production refuses to start otherwise, see env.ts).
 */
const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (fastify, { metrics }) => {
  const expected = metrics.token === null ? null : digest(metrics.token);

  fastify.get('/metrics', { schema: { response: errorResponses(401, 403) } }, async (request, reply) => {
    if (expected) {
      const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
        throw new ApiError(401, 'Metrics need Authorization: Bearer <METRICS_TOKEN>', {
          code: 'unauthorized',
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
    } else if (!metrics.public) {
      throw new ApiError(403, 'Metrics are not public: set METRICS_TOKEN (or METRICS_PUBLIC=true)', {
        code: 'metrics_not_public',
      });
    }
    const body = await fastify.metrics.registry.metrics();
    return reply.header('content-type', fastify.metrics.registry.contentType).send(body);
  });
};

// Equal-length digests: timingSafeEqual needs equal lengths, and the token's length stays secret too.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export default metricsRoute;
