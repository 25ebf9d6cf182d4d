import { randomBytes } from 'node:crypto';

// Signing lives with the verifier in core (packages/core/src/clerk/svix-signature.ts); the CLI signs
// with it at run time, so it is not part of this kit.
export { signSvixDelivery } from '@usersync/core/internal';

/** A signing secret in Svix's `whsec_` format. */
export function testWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
