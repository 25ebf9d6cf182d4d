import fc from 'fast-check';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { signSvixDelivery, svixVerifier } from './svix-signature.ts';

const SECRET = `whsec_${Buffer.from('a test signing secret of 32 bytes').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('another secret, not the endpoint').toString('base64')}`;

describe('svixVerifier', () => {
  it('accepts exactly what svix Webhook.verify accepts, with the same message (property)', () => {
    const svix = new Webhook(SECRET);
    const ours = svixVerifier(SECRET);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,20}$/),
        fc.integer({ min: -400, max: 400 }),
        fc.constantFrom('valid', 'other-secret', 'other-id', 'tampered-body', 'two-signatures', 'v2-only'),
        (body, id, skewSeconds, variant) => {
          const now = Date.now();
          const signedAt = new Date(now + skewSeconds * 1000);
          const signer = variant === 'other-secret' ? new Webhook(OTHER) : svix;
          const signedId = variant === 'other-id' ? `${id}x` : id;
          let signature = signer.sign(signedId, signedAt, body);
          if (variant === 'two-signatures')
            signature = `${new Webhook(OTHER).sign(id, signedAt, body)} ${signature}`;
          if (variant === 'v2-only') signature = signature.replace('v1,', 'v2,');
          const sent = variant === 'tampered-body' ? `${body} ` : body;
          const timestamp = String(Math.floor(signedAt.getTime() / 1000));
          const outcome = (verify: () => unknown) => {
            try {
              verify();
              return 'ok';
            } catch (error) {
              return (error as Error).message;
            }
          };
          const theirs = outcome(() =>
            svix.verify(sent, { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature }),
          );
          const mine = outcome(() => ours(Buffer.from(sent), { id, timestamp, signature }, now));
          expect(mine).toBe(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('signs as svix Webhook.sign does: its headers verify with svix (property)', () => {
    const svix = new Webhook(SECRET);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,20}$/),
        (body, svixId) => {
          const at = new Date();
          const headers = signSvixDelivery(SECRET, body, { svixId, timestamp: at });
          expect(headers['svix-signature']).toBe(svix.sign(svixId, at, body));
          expect(() => svix.verify(body, headers)).not.toThrow();
        },
      ),
      { numRuns: 100 },
    );
    expect(() => signSvixDelivery('whsec_not base64!', '{}')).toThrow('not base64');
  });
});
