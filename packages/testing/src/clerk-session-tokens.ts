import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface ClerkSessionSigner {
  /** PEM public key: what CLERK_JWT_KEY holds, so tokens verify with no network call. */
  publicKeyPem: string;
  /** The same key as a JWK with its `kid`: what Clerk's `GET /v1/jwks` lists (verification without CLERK_JWT_KEY). */
  publicJwk: Record<string, unknown>;
  /** Signs an RS256 session token shaped like Clerk's (sub, sid, azp, iat, nbf, exp). */
  sign(claims: {
    userId: string;
    azp?: string;
    expiresInSeconds?: number;
    issuedAt?: number;
    extra?: Record<string, unknown>;
  }): string;
}

/** A local stand-in for a Clerk instance's signing key. Clerk's SDK accepts 2048-bit RSA keys. */
export function createClerkSessionSigner(): ClerkSessionSigner {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `ins_${randomBytes(8).toString('hex')}`;
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    sign({ userId, azp, expiresInSeconds = 60, issuedAt, extra }) {
      const iat = issuedAt ?? Math.floor(Date.now() / 1000);
      const header = { alg: 'RS256', typ: 'JWT', kid };
      const payload = {
        sub: userId,
        sid: `sess_${randomBytes(10).toString('hex')}`,
        iss: 'https://usersync-test.clerk.accounts.dev',
        ...(azp && { azp }),
        iat,
        nbf: iat - 5,
        exp: iat + expiresInSeconds,
        ...extra,
      };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
      return `${input}.${signature}`;
    },
  };
}

/** A well-formed publishable key (`pk_test_` + base64 of `host$`); nothing is fetched from its host. */
export const TEST_PUBLISHABLE_KEY = `pk_test_${btoa('usersync-test.clerk.accounts.dev$')}`;

/** Keys in Clerk's formats: a fresh secret key and the test publishable key. */
export function testClerkKeys() {
  return { secretKey: `sk_test_${randomBytes(24).toString('hex')}`, publishableKey: TEST_PUBLISHABLE_KEY };
}

function b64url(text: string) {
  return Buffer.from(text).toString('base64url');
}
