import { isMachineToken } from '@clerk/backend/internal';
import { type ClerkFastifyOptions, clerkPlugin, getAuth } from '@clerk/fastify';
import type { ClerkConfig } from '@usersync/config';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, notConfigured, serviceUnavailable, tooManyRequests } from '../lib/api-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in Clerk user (`sub` of a verified session token); set on every route of this scope. */
    clerkUserId: string;
    /**
     * The active organization the verified session token names (v2 `o: { id, rol, slg }`, v1
     * `org_id`/`org_role`/`org_slug`), or null. Its id is all that is used: the rest is read from Clerk.
     */
    clerkOrganization: { id: string; role: string | null; slug: string | null } | null;
  }
}

export interface ClerkAuthOptions {
  clerk: ClerkConfig;
  /** Origins a token's `azp` must be one of (the SPA origins). Empty: not checked. */
  authorizedParties: string[];
}

const unauthenticated = (message: string) => new ApiError(401, message, { code: 'unauthenticated' });

/** Clerk session tokens are a few hundred bytes to ~4 KB (cookie-sized); anything far larger is not one. */
export const MAX_SESSION_TOKEN_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Clerk user ids are short (`user_` + 27 characters); the users table caps clerk_id at 255. */
const MAX_CLERK_USER_ID_LENGTH = 255;

/**
 * The bearer token when it can be a Clerk session token, else null. Checked before any verification:
 * Clerk's SDK verifies API keys (`ak_`), M2M tokens (`mt_`) and OAuth tokens (`oat_`, `at+jwt`) by calling
 * Clerk's Backend API with our secret key, so they must never reach it (docs/decisions/050).
 */
export function sessionTokenFromHeader(authorization: string | undefined): string | null {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (!token || token.length > MAX_SESSION_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return null;
  return isMachineToken(token) ? null : token;
}

/**
 * Requires a valid Clerk session token (`Authorization: Bearer`) on every route of the scope it is
 * registered in (the /api/v1 routes only: see docs/decisions/012). Verification is @clerk/fastify's,
 * offline when CLERK_JWT_KEY is set. Session tokens only (docs/decisions/050); a caller whose IP has used
 * up its failed-authentication budget is refused before any verification work.
 */
export default fp<ClerkAuthOptions>(
  async (fastify, { clerk, authorizedParties }) => {
    fastify.decorateRequest('clerkUserId', '');
    fastify.decorateRequest('clerkOrganization', null);
    // Failed authentications count against the caller's IP (a token-guessing client is limited too).
    const failedAuthentications = fastify.hasDecorator('createRateLimit') ? fastify.createRateLimit() : null;
    async function rejectUnauthenticated(request: FastifyRequest, error: ApiError): Promise<never> {
      const limit = await failedAuthentications?.(request);
      if (limit && !limit.isAllowed && limit.isExceeded) throw tooManyRequests(limit.ttlInSeconds);
      throw error;
    }
    const missing = [
      ...(clerk.secretKey ? [] : ['CLERK_SECRET_KEY']),
      ...(clerk.publishableKey ? [] : ['CLERK_PUBLISHABLE_KEY']),
    ];
    if (missing.length > 0) {
      fastify.addHook('onRequest', async () => {
        throw notConfigured('Sign-in', missing);
      });
      return;
    }

    // Before any authentication work: an IP over its failed-authentication budget is refused here, and
    // anything that is not a session token is refused without I/O. This API takes tokens from the
    // Authorization header only; answering here also keeps Clerk's SDK from answering a page-load GET
    // with a 307 to its handshake.
    fastify.addHook('onRequest', async (request) => {
      const budget = await failedAuthentications?.(request, { increment: false });
      if (budget && !budget.isAllowed && budget.remaining === 0) throw tooManyRequests(budget.ttlInSeconds);
      if (!request.headers.authorization) {
        await rejectUnauthenticated(
          request,
          unauthenticated('Sign in required: send Authorization: Bearer <Clerk session token>'),
        );
      }
      if (!sessionTokenFromHeader(request.headers.authorization)) {
        await rejectUnauthenticated(
          request,
          unauthenticated(
            'Only Clerk session tokens are accepted: send Authorization: Bearer <session token>',
          ),
        );
      }
    });

    const options: ClerkFastifyOptions & { authorizedParties: string[] } = {
      secretKey: clerk.secretKey!,
      publishableKey: clerk.publishableKey!,
      apiUrl: clerk.apiUrl,
      ...(clerk.jwtKey && { jwtKey: clerk.jwtKey }),
      // Honoured at run time, missing from the plugin's option type.
      authorizedParties,
      hookName: 'onRequest',
      // No calls home from our server (Clerk's SDK reports usage for development instances).
      telemetry: { disabled: true },
      // An API never delivers handshake cookies back to a browser.
      __internal_enableHandshake: false,
    };
    await fastify.register(clerkPlugin, options);

    fastify.addHook('onRequest', async (request) => {
      // Session tokens only, whatever the plugin verified (it accepts every token type).
      const auth = getAuth(request, { acceptsToken: 'session_token' });
      if (auth.userId) {
        const problem = tokenProblem(auth.userId, auth.sessionClaims?.iat, clerk.maxTokenAgeSeconds);
        if (problem) await rejectUnauthenticated(request, unauthenticated(problem));
        request.clerkUserId = auth.userId;
        // Clerk's SDK reads both token versions into orgId/orgRole/orgSlug (v2 roles come back `org:`-prefixed).
        request.clerkOrganization =
          typeof auth.orgId === 'string' && auth.orgId.length > 0 && auth.orgId.length <= 255
            ? { id: auth.orgId, role: auth.orgRole ?? null, slug: auth.orgSlug ?? null }
            : null;
        return;
      }
      const reason = (auth.debug?.() as { reason?: string } | undefined)?.reason;
      // Clerk's key endpoint unreachable (no CLERK_JWT_KEY): our outage, not the caller's fault. Counted
      // all the same: each such request made Clerk's SDK try the network.
      if (reason === 'jwk-remote-failed-to-load') {
        await rejectUnauthenticated(
          request,
          serviceUnavailable('Could not verify the session token right now', 5, 'clerk_unavailable'),
        );
      }
      await rejectUnauthenticated(
        request,
        unauthenticated(
          reason === 'token-expired' ? 'Session token expired' : 'Invalid or expired session token',
        ),
      );
    });
  },
  { name: 'clerk-auth', fastify: '5.x' },
);

/**
 * What Clerk's verification leaves to us: a `sub` we can store, and (when CLERK_MAX_TOKEN_AGE_SECONDS is
 * set) a token issued recently. Clerk issues session tokens for 60 s; a long-lived one was minted elsewhere.
 */
function tokenProblem(userId: string, issuedAt: unknown, maxAgeSeconds: number | null): string | null {
  if (userId.length > MAX_CLERK_USER_ID_LENGTH) return 'Invalid session token: subject too long';
  if (maxAgeSeconds === null) return null;
  if (typeof issuedAt !== 'number') return 'Invalid session token: no issued-at time (iat)';
  if (Date.now() / 1000 - issuedAt > maxAgeSeconds) return 'Session token too old: sign in again';
  return null;
}
