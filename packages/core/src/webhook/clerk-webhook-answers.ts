import type { ApplyStatus } from '../sync/apply-clerk-event.ts';
import { unhandledOutcome } from '../sync/errors.ts';

// What a Clerk webhook endpoint answers, once for both endpoints that receive deliveries: the API's route
// (apps/api/src/routes/clerk-webhook.route.ts) and the Fetch API handler (clerk-webhook-handler.ts).
// Svix retries anything but 2xx; a 4xx also shows as failed in Clerk's dashboard.

/** Svix's own limit is far below this; anything larger is not a Clerk event. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Svix does not wait longer than this; a retry that waits this long finds the database back more often. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** A delivery turned away before or instead of being applied, by machine code: HTTP status and message. */
export const WEBHOOK_REJECTIONS = {
  missing_svix_headers: { status: 400, message: 'Missing svix headers' },
  invalid_encoding: { status: 400, message: 'Webhook body is not UTF-8' },
  invalid_signature: { status: 400, message: 'Invalid webhook signature' },
  payload_too_large: { status: 413, message: 'Webhook body is too large' },
  // Recorded by core: a redelivery is applied afresh.
  invalid_payload: { status: 422, message: 'Unusable webhook payload' },
  // Our failure, not the sender's: Svix delivers it again later, so nothing is lost.
  database_unavailable: { status: 503, message: 'Database unavailable; the delivery will be retried' },
} as const satisfies Record<string, { status: number; message: string }>;

export type WebhookRejection = keyof typeof WEBHOOK_REJECTIONS;

/** The outcomes answered 200 with `{ status }`; the other one (`invalid`) is answered 422 `invalid_payload`. */
export type AcknowledgedStatus = Exclude<ApplyStatus, 'invalid'>;

/** Whether a delivery core applied or recorded is answered 200 with its outcome (else 422 invalid_payload). */
export function isAcknowledged(status: ApplyStatus): status is AcknowledgedStatus {
  switch (status) {
    case 'applied':
    case 'duplicate':
    case 'stale':
    case 'ignored':
      return true;
    case 'invalid':
      return false;
    default:
      return unhandledOutcome(status);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as text only when that text encodes back to exactly these bytes (strict UTF-8, BOM kept).
 * svix (through standardwebhooks) signs a Buffer's UTF-8 decoding, which maps different invalid byte
 * sequences to the same U+FFFD text; refusing what is not UTF-8 makes its check one over the bytes received.
 */
export function exactText(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Core caps what it reads (type, ids); a reason lists one line per problem, so answers cap it too. */
export function capText(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
