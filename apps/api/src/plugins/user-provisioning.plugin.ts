import type { ClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import type { SyncStatus } from '@usersync/core/http-contract';
import {
  findSyncedUser,
  findUserByClerkId,
  hasActiveMembership,
  InvalidClerkPayloadError,
  InvalidClerkUserError,
  isOrganizationTombstoned,
  mapClerkOrganization,
  mapClerkOrganizationMembership,
  promoteListedAdmin,
  syncStatusOf,
  syncUserFromClerk,
  type UserWithSettings,
  type WriteOutcome,
  writeOrganization,
  writeOrganizationMembership,
} from '@usersync/core/internal';
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../config.ts';
import { ApiError, notConfigured, serviceUnavailable } from '../lib/api-error.ts';
import { createClerkBackend, withTimeout } from '../lib/clerk-backend.ts';
import { SingleFlight } from '../lib/single-flight.ts';

export interface Caller {
  /** existing: the row was there; created/updated: it was read from Clerk just now. */
  status: SyncStatus;
  user: UserWithSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    userProvisioning: {
      ensure(clerkUserId: string, log?: FastifyBaseLogger): Promise<Caller>;
      /** Makes sure the organization and the user's membership in it exist (read from Clerk when not). */
      ensureOrganization(
        clerkUserId: string,
        clerkOrganizationId: string,
        log?: FastifyBaseLogger,
      ): Promise<void>;
    };
  }
  interface FastifyRequest {
    /** The signed-in user's row, made sure of before the handler runs. */
    caller: Caller;
  }
}

export interface UserProvisioningOptions {
  clerk: AppConfig['clerk'];
  sync: AppConfig['sync'];
  /** ADMIN_EMAILS: applied after a row is created or refreshed from Clerk (docs/decisions/100). */
  adminEmails: readonly string[];
  clerkTimeoutMs: number;
}

const gone = () =>
  new ApiError(410, 'This account has been deleted', {
    code: 'user_deleted',
  });

// Clerk ends a banned user's sessions, but a session token stays valid up to 60 s: the row (read on every
// request anyway) refuses them at once. `locked` (a temporary lockout) is not a ban and passes.
const banned = () => new ApiError(403, 'This account has been banned', { code: 'user_banned' });

/**
 * The server-side fallback: every authenticated request makes sure the caller's row exists, reading
 * the user from Clerk's Backend API when it does not (a missed or late webhook). Takes no profile data
 * from the request. Concurrent first requests of one user share one Clerk call (docs/decisions/013).
 */
export default fp<UserProvisioningOptions>(
  async (fastify, options) => {
    const { db } = fastify;
    const clerk: ClerkClient | null = createClerkBackend(options.clerk);
    const flights = new SingleFlight<string, Caller>();

    async function readFromClerk(clerkUserId: string, log: FastifyBaseLogger): Promise<Caller> {
      if (!clerk) throw notConfigured('The Clerk Backend API', ['CLERK_SECRET_KEY']);
      let raw: unknown;
      try {
        raw = (await withTimeout(clerk.users.getUser(clerkUserId), options.clerkTimeoutMs)).raw;
        fastify.metrics.clerkRequest('get_user', 200);
      } catch (error) {
        const failure = clerkFailure(error, clerkUserId, log);
        fastify.metrics.clerkRequest('get_user', isClerkAPIResponseError(error) ? error.status : null);
        fastify.metrics.fallbackSync(
          failure.statusCode === 410
            ? 'gone'
            : failure.code === 'clerk_rate_limited'
              ? 'clerk_rate_limited'
              : 'clerk_unavailable',
        );
        throw failure;
      }
      if (!raw) {
        fastify.metrics.fallbackSync('clerk_unavailable');
        throw serviceUnavailable('Clerk returned no user data; try again', 5, 'clerk_unavailable');
      }
      // Defence in depth: write only the user the session is about, whatever the Backend API answered.
      const answeredId = (raw as { id?: unknown }).id;
      if (answeredId !== clerkUserId) {
        log.error(
          {
            clerkUserId,
            answeredId: typeof answeredId === 'string' ? answeredId.slice(0, 64) : typeof answeredId,
          },
          'Clerk returned another user than the one asked for',
        );
        throw new ApiError(502, 'Clerk returned another user than the one asked for', {
          code: 'clerk_user_mismatch',
        });
      }
      let outcome: WriteOutcome;
      try {
        ({ outcome } = await syncUserFromClerk(db, raw, options.sync));
      } catch (error) {
        if (error instanceof InvalidClerkUserError) {
          fastify.metrics.fallbackSync('invalid');
          log.error({ clerkUserId, reason: error.message }, 'Clerk returned a user we cannot store');
          throw new ApiError(502, 'Clerk returned a user record that cannot be stored', {
            code: 'clerk_user_invalid',
          });
        }
        throw error;
      }
      const status = syncStatusOf(outcome);
      if (status === null) {
        fastify.metrics.fallbackSync('gone');
        throw gone();
      }
      await promoteListedAdmin(db, clerkUserId, options.adminEmails);
      const user = await findUserByClerkId(db, clerkUserId);
      if (!user || user.deleted_at) {
        fastify.metrics.fallbackSync('gone');
        throw gone();
      }
      if (user.banned) throw banned();
      log.info({ clerkUserId, outcome }, 'user synced from Clerk Backend API');
      fastify.metrics.fallbackSync(status);
      return { status, user };
    }

    function clerkFailure(error: unknown, clerkUserId: string, log: FastifyBaseLogger): ApiError {
      const status = isClerkAPIResponseError(error) ? error.status : undefined;
      if (status === 404) return gone();
      return clerkUnavailable(error, status, { clerkUserId }, log);
    }

    function clerkUnavailable(
      error: unknown,
      status: number | undefined,
      context: Record<string, string>,
      log: FastifyBaseLogger,
    ): ApiError {
      if (status === 429) {
        const retryAfter = isClerkAPIResponseError(error) ? error.retryAfter : undefined;
        log.warn({ ...context, retryAfter }, 'Clerk Backend API rate limit reached');
        return serviceUnavailable(
          'Clerk is rate-limiting requests; try again shortly',
          retryAfter ?? 10,
          'clerk_rate_limited',
        );
      }
      // Unreachable, timed out, 5xx, or a rejected secret key (401/403: our configuration).
      log.error(
        {
          ...context,
          clerkStatus: status,
          err: error instanceof Error ? { message: error.message } : undefined,
        },
        'Clerk Backend API call failed',
      );
      return serviceUnavailable(
        'Could not reach Clerk to load your account; try again shortly',
        5,
        'clerk_unavailable',
      );
    }

    /** The caller's row when it is there (or the user is known deleted); null: ask Clerk. */
    async function fromDatabase(clerkUserId: string): Promise<Caller | null> {
      const found = await findSyncedUser(db, clerkUserId);
      if (found === 'deleted') throw gone();
      if (found?.banned) throw banned();
      return found && { status: 'existing', user: found };
    }

    async function ensure(clerkUserId: string, log: FastifyBaseLogger = fastify.log): Promise<Caller> {
      const found = await fromDatabase(clerkUserId);
      if (found) return found;
      return flights.run(clerkUserId, async () => {
        // Checked again inside the flight: a request whose first look-up raced a flight that has just
        // finished finds that flight's row here instead of calling Clerk a second time.
        return (await fromDatabase(clerkUserId)) ?? readFromClerk(clerkUserId, log);
      });
    }

    const organizationFlights = new SingleFlight<string, void>();

    /** A Clerk read for the organization fallback: null for 404 (Clerk does not have it), 503 otherwise. */
    async function readClerk<T>(
      call: () => Promise<T>,
      context: Record<string, string>,
      log: FastifyBaseLogger,
    ): Promise<T | null> {
      try {
        return await withTimeout(call(), options.clerkTimeoutMs);
      } catch (error) {
        const status = isClerkAPIResponseError(error) ? error.status : undefined;
        if (status === 404) return null;
        throw clerkUnavailable(error, status, context, log);
      }
    }

    async function readOrganizationFromClerk(
      clerkUserId: string,
      clerkOrganizationId: string,
      log: FastifyBaseLogger,
    ): Promise<void> {
      if (!clerk) throw notConfigured('The Clerk Backend API', ['CLERK_SECRET_KEY']);
      const context = { clerkUserId, clerkOrganizationId };
      const organization = await readClerk(
        () => clerk.organizations.getOrganization({ organizationId: clerkOrganizationId }),
        context,
        log,
      );
      // The token names an organization Clerk no longer has (deleted since the token was issued).
      if (!organization?.raw) return;
      // One page of up to 500: a user in more organizations than that is beyond this fallback.
      const memberships = await readClerk(
        () => clerk.users.getOrganizationMembershipList({ userId: clerkUserId, limit: 500 }),
        context,
        log,
      );
      const membership = memberships?.data.find((m) => m.organization?.id === clerkOrganizationId)?.raw;
      try {
        // Defence in depth, as for the user: write only the organization the session names, and only
        // the session user's membership in it, whatever the Backend API answered.
        const organizationFields = mapClerkOrganization(organization.raw);
        const membershipFields = membership ? mapClerkOrganizationMembership(membership) : null;
        if (
          organizationFields.clerk_id !== clerkOrganizationId ||
          (membershipFields && membershipFields.clerk_user_id !== clerkUserId)
        ) {
          log.error(context, 'Clerk returned another organization or membership than the one asked for');
          throw new ApiError(502, 'Clerk returned another organization than the one asked for', {
            code: 'clerk_organization_mismatch',
          });
        }
        const organizationOutcome = await writeOrganization(db, organizationFields);
        const membershipOutcome = membershipFields
          ? await writeOrganizationMembership(db, membershipFields)
          : 'not a member';
        log.info(
          { ...context, organizationOutcome, membershipOutcome },
          'organization synced from Clerk Backend API',
        );
      } catch (error) {
        if (error instanceof InvalidClerkPayloadError) {
          log.error({ ...context, reason: error.message }, 'Clerk returned an organization we cannot store');
          throw new ApiError(502, 'Clerk returned an organization record that cannot be stored', {
            code: 'clerk_organization_invalid',
          });
        }
        throw error;
      }
    }

    async function ensureOrganization(
      clerkUserId: string,
      clerkOrganizationId: string,
      log: FastifyBaseLogger = fastify.log,
    ): Promise<void> {
      const settled = async () =>
        (await hasActiveMembership(db, clerkOrganizationId, clerkUserId)) ||
        // Deleted here: deletion is final, nothing to ask Clerk.
        (await isOrganizationTombstoned(db, clerkOrganizationId));
      if (await settled()) return;
      await organizationFlights.run(`${clerkOrganizationId} ${clerkUserId}`, async () => {
        if (!(await settled())) await readOrganizationFromClerk(clerkUserId, clerkOrganizationId, log);
      });
    }

    fastify.decorate('userProvisioning', { ensure, ensureOrganization });
    fastify.decorateRequest('caller', null as unknown as Caller);
    // preHandler: after the body is validated, so a rejected request never creates a row.
    fastify.addHook('preHandler', async (request) => {
      request.caller = await ensure(request.clerkUserId, request.log);
    });
  },
  { name: 'user-provisioning', fastify: '5.x', dependencies: ['database', 'clerk-auth', 'metrics'] },
);
