import { svixVerifier } from '../clerk/svix-signature.ts';
import { type Db, isDatabaseUnavailableError } from '../db/create-database.ts';
import { applyClerkEvent } from '../sync/apply-clerk-event.ts';
import type { SyncOptions } from '../sync/sync-options.ts';
import {
  capText,
  DATABASE_RETRY_AFTER_SECONDS,
  exactText,
  isAcknowledged,
  WEBHOOK_BODY_LIMIT,
  WEBHOOK_REJECTIONS,
  type WebhookRejection,
} from './clerk-webhook-answers.ts';

export interface ClerkWebhookHandlerOptions extends SyncOptions {
  db: Db;
  /** The Clerk webhook endpoint's signing secret (`whsec_…`). */
  signingSecret: string;
}

/**
 * A Clerk webhook endpoint as a Fetch API handler, `(request: Request) => Promise<Response>`, for any
 * framework that speaks Request/Response (Next.js route handlers, Hono, Remix, SvelteKit, Bun). It checks
 * the Svix signature on the exact bytes received, applies the delivery with `applyClerkEvent` and answers
 * as the API's route does (clerk-webhook-answers.ts): 200 `{ status }` for applied, duplicate, stale and
 * ignored; 400 for missing svix headers or a bad signature; 413; 422 for an unusable payload (recorded);
 * 503 with Retry-After while the database is unavailable, so Svix delivers it again. Any other error is
 * thrown, for the framework to log and answer 500.
 */
export function createClerkWebhookHandler(
  options: ClerkWebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const { db, signingSecret, ...sync } = options;
  if (!signingSecret) throw new TypeError('createClerkWebhookHandler: signingSecret is required (whsec_…)');
  const verify = svixVerifier(signingSecret);

  return async (request) => {
    if (request.method !== 'POST') {
      return Response.json(
        { error: 'Use POST', code: 'method_not_allowed' },
        { status: 405, headers: { allow: 'POST' } },
      );
    }
    const svixId = request.headers.get('svix-id');
    const svixTimestamp = request.headers.get('svix-timestamp');
    const svixSignature = request.headers.get('svix-signature');
    if (!svixId || !svixTimestamp || !svixSignature) return rejection('missing_svix_headers');

    if (Number(request.headers.get('content-length') ?? 0) > WEBHOOK_BODY_LIMIT) {
      return rejection('payload_too_large');
    }
    const bytes = Buffer.from(await request.arrayBuffer());
    if (bytes.length > WEBHOOK_BODY_LIMIT) return rejection('payload_too_large');
    const raw = exactText(bytes);
    if (raw === null) return rejection('invalid_encoding');
    try {
      verify(bytes, { id: svixId, timestamp: svixTimestamp, signature: svixSignature });
    } catch (error) {
      return rejection('invalid_signature', error instanceof Error ? error.message : 'verification failed');
    }

    let result: Awaited<ReturnType<typeof applyClerkEvent>>;
    try {
      result = await applyClerkEvent(db, { svixId, body: raw }, sync);
    } catch (error) {
      if (isDatabaseUnavailableError(error)) {
        return rejection('database_unavailable', undefined, {
          'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
        });
      }
      throw error;
    }
    if (isAcknowledged(result.status)) return Response.json({ status: result.status });
    return rejection('invalid_payload', capText(result.reason ?? 'invalid'));
  };
}

function rejection(code: WebhookRejection, detail?: string, headers?: Record<string, string>): Response {
  const { status, message } = WEBHOOK_REJECTIONS[code];
  return Response.json({ error: detail ? `${message}: ${detail}` : message, code }, { status, headers });
}
