import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SvixHeadersSchema, WebhookAckSchema } from '@usersync/core/http-contract';
import {
  applyClerkEvent,
  capText,
  DATABASE_RETRY_AFTER_SECONDS,
  exactText,
  isAcknowledged,
  isDatabaseUnavailableError,
  mentionsListedEmail,
  promoteListedAdmin,
  svixVerifier,
  WEBHOOK_BODY_LIMIT,
  WEBHOOK_REJECTIONS,
  type WebhookRejection,
} from '@usersync/core/internal';
import type { AppConfig } from '../config.ts';
import { ApiError, errorResponses, notConfigured, serviceUnavailable } from '../lib/api-error.ts';

export interface ClerkWebhookOptions {
  signingSecret: string | null;
  sync: AppConfig['sync'];
  /** ADMIN_EMAILS, applied after a user.created/updated was applied (docs/decisions/100). */
  adminEmails: readonly string[];
}

/**
 * POST /api/webhooks/clerk: Clerk's deliveries through Svix. The signature covers the exact bytes
 * received, so this plugin takes every body as a raw Buffer (whatever its content type) and never
 * lets Fastify's JSON parser near it (docs/decisions/011). Not rate-limited, not behind Clerk auth.
 */
const clerkWebhookRoute: FastifyPluginAsyncTypebox<ClerkWebhookOptions> = async (fastify, options) => {
  const verify = options.signingSecret ? svixVerifier(options.signingSecret) : null;

  // Scoped to this plugin: the rest of the app keeps Fastify's JSON parser.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );
  // Too large: the shared answer (payload_too_large), as the Fetch API handler gives; the app's error handler
  // (the parent of this scoped one) sends it, and everything else, as usual.
  fastify.setErrorHandler((error) => {
    if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      throw rejection('payload_too_large');
    throw error;
  });
  // Any content type, even one Fastify cannot parse (`application/json, text/plain`, empty): the
  // signature decides, not the label. Seen by the parser step only; the header itself is not used.
  fastify.addHook('onRequest', async (request) => {
    request.headers = { 'content-type': 'application/octet-stream' };
  });

  fastify.post(
    '/clerk',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // Browser security headers (CSP and the rest) protect pages; this JSON answer goes to Svix, never to
      // a browser. Leaving them out saved about 4 % of the API's CPU per delivery (docs/decisions/073).
      helmet: false,
      schema: {
        headers: SvixHeadersSchema,
        response: { 200: WebhookAckSchema, ...errorResponses(400, 413, 415, 422, 500, 503) },
      },
    },
    async (request) => {
      if (!verify) throw notConfigured('The Clerk webhook', ['CLERK_WEBHOOK_SIGNING_SECRET']);
      const svixId = header(request.headers['svix-id']);
      const svixTimestamp = header(request.headers['svix-timestamp']);
      const svixSignature = header(request.headers['svix-signature']);
      if (!svixId || !svixTimestamp || !svixSignature) {
        fastify.metrics.delivery(null, 'rejected', 0);
        throw rejection('missing_svix_headers');
      }
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const raw = exactText(bytes);
      if (raw === null) {
        throw rejection('invalid_encoding');
      }

      try {
        verify(bytes, { id: svixId, timestamp: svixTimestamp, signature: svixSignature });
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'verification failed';
        request.log.warn({ svixId, outcome: 'rejected', reason }, 'clerk webhook: signature check failed');
        fastify.metrics.delivery(null, 'rejected', 0);
        throw rejection('invalid_signature', reason);
      }

      const received = performance.now();
      let result: Awaited<ReturnType<typeof applyClerkEvent>>;
      try {
        result = await applyClerkEvent(fastify.db, { svixId, body: raw }, options.sync);
      } catch (error) {
        fastify.metrics.delivery(null, 'failed', (performance.now() - received) / 1000);
        if (isDatabaseUnavailableError(error)) {
          request.log.error({ svixId, outcome: 'failed', err: error }, 'clerk webhook: database unavailable');
          throw serviceUnavailable(
            WEBHOOK_REJECTIONS.database_unavailable.message,
            DATABASE_RETRY_AFTER_SECONDS,
            'database_unavailable',
          );
        }
        request.log.error({ svixId, outcome: 'failed', err: error }, 'clerk webhook: could not apply');
        throw error;
      }

      const { status, type, clerkUserId } = result;
      const reason = result.reason === undefined ? undefined : capText(result.reason);
      fastify.metrics.delivery(type, status, (performance.now() - received) / 1000, result.eventTimestamp);
      // One line per delivery, written with the response (status code and time included).
      request.logLine = {
        msg: 'clerk webhook delivery',
        fields: { svixId, type, clerkUserId, outcome: status, reason },
      };
      if (
        status === 'applied' &&
        clerkUserId &&
        type !== 'user.deleted' &&
        mentionsListedEmail(raw, options.adminEmails)
      ) {
        // The delivery is applied whatever happens here: a failure must not make Svix redeliver it
        // (that would be answered duplicate); the user's next sign-in sync promotes them instead.
        await promoteListedAdmin(fastify.db, clerkUserId, options.adminEmails).catch((error: unknown) =>
          request.log.error({ svixId, clerkUserId, err: error }, 'ADMIN_EMAILS promotion failed'),
        );
      }
      if (!isAcknowledged(status)) {
        throw rejection('invalid_payload', reason ?? 'invalid');
      }
      return { status };
    },
  );
};

/** One of the shared answers (clerk-webhook-answers.ts in core), as the error the error handler sends. */
function rejection(code: WebhookRejection, detail?: string): ApiError {
  const { status, message } = WEBHOOK_REJECTIONS[code];
  return new ApiError(status, detail ? `${message}: ${detail}` : message, { code });
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export default clerkWebhookRoute;
