import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { InvalidClerkUserError, syncUserFromClerk } from '@usersync/core/sync';
import { findUserByClerkId, type UserWithSettings } from '@usersync/core/users';
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../config.ts';
import { ApiError, notConfigured, serviceUnavailable } from '../lib/api-error.ts';
import { SingleFlight } from '../lib/single-flight.ts';

export type ProvisionStatus = 'existing' | 'created' | 'updated';

export interface Caller {
  /** existing: the row was there; created/updated: it was read from Clerk just now. */
  status: ProvisionStatus;
  user: UserWithSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    userProvisioning: { ensure(clerkUserId: string, log?: FastifyBaseLogger): Promise<Caller> };
  }
  interface FastifyRequest {
    /** The signed-in user's row, made sure of before the handler runs. */
    caller: Caller;
  }
}

export interface UserProvisioningOptions {
  clerk: AppConfig['clerk'];
  sync: AppConfig['sync'];
  clerkTimeoutMs: number;
}

const gone = () =>
  new ApiError(410, 'This account has been deleted', {
    code: 'user_deleted',
  });

/**
 * The server-side fallback: every authenticated request makes sure the caller's row exists, reading
 * the user from Clerk's Backend API when it does not (a missed or late webhook). Takes no profile data
 * from the request. Concurrent first requests of one user share one Clerk call (docs/decisions/013).
 */
export default fp<UserProvisioningOptions>(
  async (fastify, options) => {
    const { db } = fastify;
    const clerk: ClerkClient | null = options.clerk.secretKey
      ? createClerkClient({
          secretKey: options.clerk.secretKey,
          apiUrl: options.clerk.apiUrl,
          telemetry: { disabled: true },
        })
      : null;
    const flights = new SingleFlight<string, Caller>();

    async function readFromClerk(clerkUserId: string, log: FastifyBaseLogger): Promise<Caller> {
      if (!clerk) throw notConfigured('The Clerk Backend API', ['CLERK_SECRET_KEY']);
      let raw: unknown;
      try {
        raw = (await withTimeout(clerk.users.getUser(clerkUserId), options.clerkTimeoutMs)).raw;
      } catch (error) {
        throw clerkFailure(error, clerkUserId, log);
      }
      if (!raw) throw serviceUnavailable('Clerk returned no user data; try again', 5, 'clerk_unavailable');
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
      let outcome: Awaited<ReturnType<typeof syncUserFromClerk>>['outcome'];
      try {
        ({ outcome } = await syncUserFromClerk(db, raw, options.sync));
      } catch (error) {
        if (error instanceof InvalidClerkUserError) {
          log.error({ clerkUserId, reason: error.message }, 'Clerk returned a user we cannot store');
          throw new ApiError(502, 'Clerk returned a user record that cannot be stored', {
            code: 'clerk_user_invalid',
          });
        }
        throw error;
      }
      if (outcome === 'deleted') throw gone();
      const user = await findUserByClerkId(db, clerkUserId);
      if (!user || user.deleted_at) throw gone();
      log.info({ clerkUserId, outcome }, 'user synced from Clerk Backend API');
      // unchanged/stale: another request or a webhook stored this (or a newer) version first.
      // A reactivated row changed: report it as updated.
      const status =
        outcome === 'created'
          ? 'created'
          : outcome === 'updated' || outcome === 'reactivated'
            ? 'updated'
            : 'existing';
      return { status, user };
    }

    function clerkFailure(error: unknown, clerkUserId: string, log: FastifyBaseLogger): ApiError {
      const status = isClerkAPIResponseError(error) ? error.status : undefined;
      if (status === 404) return gone();
      if (status === 429) {
        const retryAfter = isClerkAPIResponseError(error) ? error.retryAfter : undefined;
        log.warn({ clerkUserId, retryAfter }, 'Clerk Backend API rate limit reached');
        return serviceUnavailable(
          'Clerk is rate-limiting requests; try again shortly',
          retryAfter ?? 10,
          'clerk_rate_limited',
        );
      }
      // Unreachable, timed out, 5xx, or a rejected secret key (401/403: our configuration).
      log.error(
        {
          clerkUserId,
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
      const user = await findUserByClerkId(db, clerkUserId);
      if (user?.deleted_at) throw gone();
      if (user?.is_active) return { status: 'existing', user };
      // Hard-deleted users leave only a tombstone: answer without asking Clerk.
      if (!user && (await isTombstoned(clerkUserId))) throw gone();
      return null;
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

    async function isTombstoned(clerkUserId: string): Promise<boolean> {
      const row = await db
        .selectFrom('user_tombstones')
        .select('clerk_id')
        .where('clerk_id', '=', clerkUserId)
        .executeTakeFirst();
      return row !== undefined;
    }

    fastify.decorate('userProvisioning', { ensure });
    fastify.decorateRequest('caller', null as unknown as Caller);
    // preHandler: after the body is validated, so a rejected request never creates a row.
    fastify.addHook('preHandler', async (request) => {
      request.caller = await ensure(request.clerkUserId, request.log);
    });
  },
  { name: 'user-provisioning', fastify: '5.x', dependencies: ['database', 'clerk-auth'] },
);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
