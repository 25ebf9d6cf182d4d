import { randomBytes } from 'node:crypto';
import { clerkId } from '@usersync/core/internal';
import { Webhook } from 'svix';

/** A signing secret in Svix's `whsec_` format. */
export function testWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Headers Svix would send with this exact body (a new `msg_` id unless given). Used by tests, the
 * benchmarks' load generator and `usersync webhook send`. Throws when the secret is not a `whsec_` key.
 */
export function signSvixDelivery(
  secret: string,
  body: string,
  options: { svixId?: string; timestamp?: Date } = {},
): { 'svix-id': string; 'svix-timestamp': string; 'svix-signature': string } {
  const svixId = options.svixId ?? clerkId('msg');
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(secret).sign(svixId, timestamp, body);
  return {
    'svix-id': svixId,
    'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'svix-signature': signature,
  };
}
