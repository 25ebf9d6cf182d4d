/** Clerk as the API and the CLI see it, already validated. */
export interface ClerkConfig {
  /** `sk_...`: Backend API calls; with publishableKey, required to accept session tokens. */
  secretKey: string | null;
  /** `pk_...`: names the Clerk instance (its Frontend API host). */
  publishableKey: string | null;
  /** PEM public key: session tokens verified with no network call. Null: JWKS fetched from Clerk. */
  jwtKey: string | null;
  /** Clerk Backend API base URL, without a trailing slash. */
  apiUrl: string;
  /**
   * Refuse session tokens issued (`iat`) longer ago than this, or without `iat`. Null: Clerk's own checks
   * only (signature, `exp`, `nbf`, `azp`). Clerk issues tokens for 60 s, so a few minutes is generous.
   */
  maxTokenAgeSeconds: number | null;
}

export const CLERK_API_URL_DEFAULT = 'https://api.clerk.com';

/** What each Clerk variable is for, in the words the warning block, the CLI and the README use. */
export const CLERK_VARIABLES = {
  CLERK_SECRET_KEY: 'sk_test_... from Clerk dashboard → API keys (session tokens, Backend API reads)',
  CLERK_PUBLISHABLE_KEY: 'pk_test_... from Clerk dashboard → API keys (the web app reads this same variable)',
  CLERK_WEBHOOK_SIGNING_SECRET: 'whsec_... from Clerk dashboard → Webhooks → your endpoint → Signing Secret',
  CLERK_JWT_KEY:
    'PEM public key from Clerk dashboard → API keys → JWT public key (optional: no network call per token)',
} as const;

/** The Clerk Frontend API host a publishable key names (`pk_test_` + base64 of `host$`), or null. */
export function frontendApiHostFromPublishableKey(publishableKey: string | null): string | null {
  const match = /^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  if (!decoded.endsWith('$')) return null;
  const host = decoded.slice(0, -1);
  return /^[a-z0-9.-]+(?::\d+)?$/i.test(host) && host.includes('.') ? host : null;
}
