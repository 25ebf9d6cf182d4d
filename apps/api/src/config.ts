import type { UserDeleteMode } from '@usersync/core/sync';

/**
 * Everything the app needs, already validated. `server.ts` builds it from the environment
 * (see env.ts); tests build it directly, so no test depends on process.env.
 */
export interface AppConfig {
  /** `whsec_...`; null: the webhook route answers 503 naming CLERK_WEBHOOK_SIGNING_SECRET. */
  webhookSigningSecret: string | null;
  clerk: ClerkConfig;
  /** SPA origins: CORS and the `azp` claim session tokens must carry. Empty: same-origin only, azp unchecked. */
  webOrigins: string[];
  sync: { deleteMode: UserDeleteMode; defaultRole: string };
  /** Built SPA to serve from `/` (production); null: API only. */
  webDistDir: string | null;
  /** Requests per minute per signed-in user (else per IP) on /api/v1/users/*. */
  rateLimitPerMinute: number;
  /**
   * Fastify `trustProxy`: behind a load balancer, the client IP comes from X-Forwarded-For. Prefer a hop
   * count or the proxies' addresses: `true` takes the leftmost address, which any client can write.
   */
  trustProxy: boolean | number | string;
  /** Give up on a Clerk Backend API call after this long (answer 503). */
  clerkTimeoutMs: number;
}

export interface ClerkConfig {
  /** `sk_...`: Backend API calls; with publishableKey, required to accept session tokens. */
  secretKey: string | null;
  /** `pk_...`: names the Clerk instance (its Frontend API host). */
  publishableKey: string | null;
  /** PEM public key: session tokens verified with no network call. Null: JWKS fetched from Clerk. */
  jwtKey: string | null;
  /** Clerk Backend API base URL. */
  apiUrl: string;
  /**
   * Refuse session tokens issued (`iat`) longer ago than this, or without `iat`. Null: Clerk's own checks
   * only (signature, `exp`, `nbf`, `azp`). Clerk issues tokens for 60 s, so a few minutes is generous.
   */
  maxTokenAgeSeconds: number | null;
}

export const CLERK_API_URL_DEFAULT = 'https://api.clerk.com';

/** The Clerk Frontend API host a publishable key names (`pk_test_` + base64 of `host$`), or null. */
export function frontendApiHostFromPublishableKey(publishableKey: string | null): string | null {
  const match = /^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  if (!decoded.endsWith('$')) return null;
  const host = decoded.slice(0, -1);
  return /^[a-z0-9.-]+(?::\d+)?$/i.test(host) && host.includes('.') ? host : null;
}
