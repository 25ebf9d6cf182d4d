import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import type { Db, PoolStats } from '@usersync/core/internal';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { AppConfig } from './config.ts';
import { tooManyRequests } from './lib/api-error.ts';
import { requestId } from './logger.ts';
import clerkAuth from './plugins/clerk-auth.plugin.ts';
import database from './plugins/database.plugin.ts';
import errorHandler from './plugins/error-handler.plugin.ts';
import metrics from './plugins/metrics.plugin.ts';
import payloadRetention from './plugins/payload-retention.plugin.ts';
import security from './plugins/security.plugin.ts';
import userProvisioning from './plugins/user-provisioning.plugin.ts';
import webApp from './plugins/web-app.plugin.ts';
import reconcileScheduler from './reconcile/reconcile-scheduler.plugin.ts';
import adminRoutes from './routes/admin/index.ts';
import clerkWebhookRoute from './routes/clerk-webhook.route.ts';
import healthRoute from './routes/health.route.ts';
import metricsRoute from './routes/metrics.route.ts';
import userProfileRoute from './routes/user-profile.route.ts';
import usersSyncRoute from './routes/users-sync.route.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by a route that describes its own request (the webhook: svix-id, type, outcome): the one
     * `info` line written when the response is sent then carries this message and these fields.
     */
    logLine: { msg: string; fields: Record<string, unknown> } | null;
  }
}

export interface BuildAppOptions {
  config: AppConfig;
  /** The database to use; the caller owns it (opens, migrates and closes it). */
  db: Db;
  /** Fastify logger options (see loggerOptions); default: no logging. */
  logger?: FastifyServerOptions['logger'];
  /** The database pool's connection counts, for the metrics (DatabaseHandle.poolStats). */
  poolStats?: () => PoolStats | null;
  /** Timeouts of the listening server (server.ts passes SERVER_TIMEOUTS); `inject()` has none. */
  timeouts?: ServerTimeouts;
}

export type ServerTimeouts = Pick<FastifyServerOptions, 'requestTimeout'> & {
  http: { headersTimeout: number; connectionsCheckingInterval: number };
};

/**
 * Svix gives up on a delivery after 15 s, and browsers send small requests: a request (headers and body)
 * still arriving after 10 s is a slow-loris client, answered 408 and closed. Node checks these every
 * `connectionsCheckingInterval`, so that bounds how late the 408 can come. Idle keep-alive connections
 * keep Fastify's 72 s: shorter than a load balancer's idle timeout (60 s on AWS ALB) would make it reuse
 * connections we have just closed, and answer 502.
 */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  requestTimeout: 10_000,
  http: { headersTimeout: 10_000, connectionsCheckingInterval: 1_000 },
};

/**
 * The whole API as a Fastify instance, not yet listening. server.ts gives it the environment's config
 * and a logger; tests give it their own config and database and call `inject()`.
 */
export async function buildApp({
  config,
  db,
  logger = false,
  poolStats,
  timeouts,
}: BuildAppOptions): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    logger,
    ...timeouts,
    genReqId: requestId,
    // One line per request (below) instead of Fastify's two: half the log volume, same information.
    logController: new LogController({ disableRequestLogging: true }),
    // A number (hops) is accepted at run time; the type leaves it out.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    bodyLimit: 1024 * 1024,
    // Unknown fields are an error (400), never silently dropped; no type coercion of bodies.
    // allErrors lets the error name an unknown field even when a required one is missing too (bodies are
    // small: routes cap them at 16 KiB).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    routerOptions: { ignoreTrailingSlash: true },
    // Errors Fastify answers before any route or hook runs: the same `{ error, code }` shape as ours.
    frameworkErrors: (error, request, reply) => {
      request.log.info({ code: error.code }, 'malformed request');
      return (reply as FastifyReply).code(400).send({ error: 'Malformed request', code: 'bad_request' });
    },
    clientErrorHandler: answerClientError,
  };
  const app: FastifyInstance = Fastify(options);
  await app.register(usersyncApp, { config, db, poolStats });
  return app;
}

/** The app as a plugin, for embedding into another Fastify instance. */
export async function usersyncApp(
  app: FastifyInstance,
  { config, db, poolStats }: { config: AppConfig; db: Db; poolStats?: BuildAppOptions['poolStats'] },
) {
  // While closing, answers to requests already in flight end their keep-alive connection, so the
  // server can finish closing as soon as they are done instead of waiting out the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.decorateRequest('logLine', null);
  app.addHook('onResponse', async (request, reply) => {
    const line = request.logLine;
    request.log.info(
      {
        req: request,
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
        ...line?.fields,
      },
      line?.msg ?? 'request completed',
    );
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  await app.register(errorHandler);
  await app.register(database, { db });
  await app.register(metrics, { poolStats });
  await app.register(security, {
    webOrigins: config.webOrigins,
    publishableKey: config.clerk.publishableKey,
  });

  await app.register(healthRoute, { prefix: '/api', staleAfterMs: config.staleAfterMs });
  await app.register(metricsRoute, { prefix: '/api', metrics: config.metrics });
  await app.register(reconcileScheduler, {
    reconcile: config.reconcile,
    clerk: config.clerk,
    sync: config.sync,
    leaseMs: config.reconcileLeaseMs,
  });
  await app.register(payloadRetention, { retentionDays: config.webhookPayloadRetentionDays });
  await app.register(clerkWebhookRoute, {
    prefix: '/api/webhooks',
    signingSecret: config.webhookSigningSecret,
    sync: config.sync,
    adminEmails: config.access.adminEmails,
  });

  // Everything under /api/v1 needs a Clerk session; Clerk's plugin is scoped to this prefix only.
  await app.register(
    async (v1) => {
      // JSON only (no text/plain: a cross-site "simple" request has no business here).
      v1.removeContentTypeParser('text/plain');
      // Per caller: keyed by Clerk user id once authenticated (route-level hook, after authentication),
      // by IP for requests that fail authentication (clerk-auth checks those itself).
      await v1.register(rateLimit, {
        max: config.rateLimitPerMinute,
        timeWindow: 60_000,
        hook: 'onRequest',
        keyGenerator: (request) => (request.clerkUserId ? `user:${request.clerkUserId}` : `ip:${request.ip}`),
        errorResponseBuilder: (_request, context) => tooManyRequests(context.ttl / 1000),
      });
      await v1.register(clerkAuth, { clerk: config.clerk, authorizedParties: config.webOrigins });
      await v1.register(userProvisioning, {
        clerk: config.clerk,
        sync: config.sync,
        adminEmails: config.access.adminEmails,
        clerkTimeoutMs: config.clerkTimeoutMs,
      });
      await v1.register(usersSyncRoute, { adminEmails: config.access.adminEmails });
      await v1.register(userProfileRoute);
      await v1.register(adminRoutes, { prefix: '/admin', config });
    },
    { prefix: '/api/v1' },
  );

  await app.register(webApp, { webDistDir: config.webDistDir, webOrigins: config.webOrigins });
}

/**
 * What Node's HTTP parser rejects before Fastify sees a request (a lower-case method, bad header bytes,
 * a request over the time limit), answered in our `{ error, code }` shape and closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, { error: 'Request not received in time', code: 'request_timeout' }]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, { error: 'Request headers too large', code: 'headers_too_large' }]
        : [400, { error: 'Malformed request', code: 'bad_request' }];
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
  );
}
