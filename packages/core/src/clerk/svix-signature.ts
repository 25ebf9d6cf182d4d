import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { clerkId } from './sample-clerk-payloads.ts';

// The Svix signature scheme, both ways: the API verifies deliveries with it, and `usersync webhook send`,
// the benchmarks and the tests sign with it. svix-signature.test.ts beside it holds it to the
// `svix` package's own Webhook.verify.

/** Svix rejects deliveries signed more than 5 minutes before or after now. */
const TOLERANCE_SECONDS = 5 * 60;

export class SvixSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SvixSignatureError';
  }
}

export interface SvixHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

/**
 * Verifies a Svix signature (HMAC-SHA256 over `${svix-id}.${svix-timestamp}.${body}`, base64, in a
 * space-separated `v1,<signature>` list) with Node's own crypto, on the exact bytes received. Same
 * scheme, checks and messages as `svix`'s Webhook.verify, whose pure-JavaScript SHA-256 cost ≈ 100–270 µs
 * of CPU per delivery against a few µs here (docs/decisions/073; svix-signature.test.ts compares the two).
 * Throws SvixSignatureError.
 */
export function svixVerifier(secret: string): (body: Buffer, headers: SvixHeaders, nowMs?: number) => void {
  // A KeyObject made once: createHmac with a Buffer key re-checks and wraps it on every call
  // (≈ 23 µs against ≈ 6.5 µs per 2.5 KB delivery here).
  const key = signingKey(secret);
  return (body, headers, nowMs = Date.now()) => {
    if (!/^[0-9]{1,12}$/.test(headers.timestamp)) throw new SvixSignatureError('Invalid Signature Headers');
    const timestamp = Number(headers.timestamp);
    const now = Math.floor(nowMs / 1000);
    if (now - timestamp > TOLERANCE_SECONDS) throw new SvixSignatureError('Message timestamp too old');
    if (timestamp > now + TOLERANCE_SECONDS) throw new SvixSignatureError('Message timestamp too new');
    const expected = hmac(key, headers.id, headers.timestamp, body);
    for (const versioned of headers.signature.split(' ')) {
      const comma = versioned.indexOf(',');
      if (comma < 0 || versioned.slice(0, comma) !== 'v1') continue;
      const given = Buffer.from(versioned.slice(comma + 1), 'base64');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    }
    throw new SvixSignatureError('No matching signature found');
  };
}

/** The endpoint's key: the base64 after `whsec_`. */
function signingKey(secret: string): KeyObject {
  return createSecretKey(
    Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'),
  );
}

function hmac(key: KeyObject, id: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/**
 * Headers Svix would send with this exact body (a new `msg_` id unless given): what `usersync webhook
 * send`, the benchmarks' load generator and the tests sign deliveries with. Throws when the secret is
 * not base64 (after an optional `whsec_`), as svix's Webhook does.
 */
export function signSvixDelivery(
  secret: string,
  body: string,
  options: { svixId?: string; timestamp?: Date } = {},
): { 'svix-id': string; 'svix-timestamp': string; 'svix-signature': string } {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('the secret is not base64');
  const svixId = options.svixId ?? clerkId('msg');
  const timestamp = String(Math.floor((options.timestamp ?? new Date()).getTime() / 1000));
  const signature = hmac(signingKey(secret), svixId, timestamp, body).toString('base64');
  return { 'svix-id': svixId, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` };
}
