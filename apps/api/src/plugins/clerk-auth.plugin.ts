import { type ClerkFastifyOptions, clerkPlugin, getAuth } from '@clerk/fastify';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ClerkConfig } from '../config.ts';
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

/**
 * Requires a valid Clerk session token (`Authorization: Bearer`) on every route of the scope it is
 * registered in (the /api/v1 routes only: see docs/decisions/012). Verification is @clerk/fastify's,
 * offline when CLERK_JWT_KEY is set.
 */
export default fp<ClerkAuthOptions>(
  async (fastify, { clerk, authorizedParties }) => {
    fastify.decorateRequest('clerkUserId', '');
    fastify.decorateRequest('clerkOrganization', null);
    // Failed authentications count against the caller's IP (a token-guessing client is limited too).
    const checkRateLimit = fastify.hasDecorator('createRateLimit') ? fastify.createRateLimit() : null;
    async function rejectUnauthenticated(request: FastifyRequest, message: string): Promise<never> {
      const limit = await checkRateLimit?.(request);
      if (limit && !limit.isAllowed && limit.isExceeded) throw tooManyRequests(limit.ttlInSeconds);
      throw unauthenticated(message);
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

    // This API takes tokens from the Authorization header only. Answering a request without one here
    // also keeps Clerk's SDK from answering a page-load GET with a 307 to its handshake.
    fastify.addHook('onRequest', async (request) => {
      if (!/^Bearer [^\s]+$/i.test(request.headers.authorization ?? '')) {
        await rejectUnauthenticated(
          request,
          'Sign in required: send Authorization: Bearer <Clerk session token>',
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
      const auth = getAuth(request);
      if (auth.userId) {
        request.clerkUserId = auth.userId;
        // Clerk's SDK reads both token versions into orgId/orgRole/orgSlug (v2 roles come back `org:`-prefixed).
        request.clerkOrganization =
          typeof auth.orgId === 'string' && auth.orgId.length > 0 && auth.orgId.length <= 255
            ? { id: auth.orgId, role: auth.orgRole ?? null, slug: auth.orgSlug ?? null }
            : null;
        return;
      }
      const reason = (auth.debug?.() as { reason?: string } | undefined)?.reason;
      // Clerk's key endpoint unreachable (no CLERK_JWT_KEY): our outage, not the caller's fault.
      if (reason === 'jwk-remote-failed-to-load') {
        throw serviceUnavailable('Could not verify the session token right now', 5, 'clerk_unavailable');
      }
      await rejectUnauthenticated(
        request,
        reason === 'token-expired' ? 'Session token expired' : 'Invalid or expired session token',
      );
    });
  },
  { name: 'clerk-auth', fastify: '5.x' },
);
