import type { Db } from '../db/create-database.ts';
import { type SyncOptions, withDefaults } from '../sync/sync-options.ts';
import type { WriteOutcome } from '../sync/write-clerk-user.ts';
import { applyClerkUsers, deactivateUser, presentUsers } from './apply-clerk-users.ts';
import { type ClerkUserComparison, compareClerkUsers } from './compare-clerk-users.ts';

/** One page of Clerk's user list: raw `UserJSON` objects, as the Backend API returns them. */
export interface ClerkUserPage {
  users: readonly unknown[];
  /** Clerk's total, when the page says it (for progress). */
  totalCount?: number;
}

/** Where reconcile reads Clerk from; the CLI backs it with the Backend API (with retries). */
export interface ClerkUserSource {
  /** Every user, page by page, starting from the beginning on each call. */
  pages(signal?: AbortSignal): AsyncIterable<ClerkUserPage>;
  /** Whether Clerk still has this user: asked before deactivating a user missing from the listing. */
  exists(clerkId: string): Promise<boolean>;
}

export interface ReconcileCounts {
  create: number;
  update: number;
  unchanged: number;
  /** We hold a newer version than Clerk listed (a webhook got there first): left alone. */
  newerInDatabase: number;
  /** Deleted here; deletion is final: left alone. */
  deletedInDatabase: number;
  /** Deactivated by an earlier --deactivate-missing run, present in Clerk again. */
  reactivate: number;
  invalid: number;
}

export interface ReconcileProgress {
  phase: 'compare' | 'apply' | 'deactivate';
  done: number;
  total: number | null;
}

export interface ReconcileOptions extends SyncOptions {
  /** Write (default: dry run, nothing written). */
  apply?: boolean;
  /** With apply: mark active users that Clerk does not know as inactive (never deleted). */
  deactivateMissing?: boolean;
  /**
   * The source lists only some users (updated since a watermark): compare and write those, skip the
   * database walk for users Clerk lacks and the wrong-instance guard, which need the whole listing.
   */
  incremental?: boolean;
  /** With apply: go ahead even when the wrong-instance guard trips. */
  force?: boolean;
  /** Share of active database users unknown to Clerk above which apply is refused. Default 0.5. */
  guardThreshold?: number;
  /** Users per write statement (default 500: one Clerk page) and pages in flight (default 4). */
  writeBatchSize?: number;
  writeConcurrency?: number;
  onProgress?: (progress: ReconcileProgress) => void;
  signal?: AbortSignal;
}

export interface WrongInstanceGuard {
  threshold: number;
  /** Active database users missing from Clerk / active database users (0 for an empty database). */
  unknownShare: number;
  tripped: boolean;
  forced: boolean;
}

export interface ReconcileSummary {
  mode: 'dry-run' | 'apply';
  /** Distinct users read from Clerk. */
  clerkUsers: number;
  /** Active (not deleted, not deactivated) users in the database. */
  databaseUsers: number;
  /** Dry run, or apply refused by the guard: what would happen. Apply: what was done. */
  counts: ReconcileCounts;
  /** Active database users that the Clerk listing did not contain. */
  missingFromClerk: number;
  /** With --deactivate-missing: users marked inactive after Clerk confirmed (404) they are gone. */
  deactivated: number;
  /** Listed as missing, but Clerk still has them (the listing shifted while paging): left active. */
  missingButFoundInClerk: number;
  /** The first invalid payloads, for the operator to look at. */
  invalidUsers: Array<{ clerkId: string | null; reason: string }>;
  guard: WrongInstanceGuard;
  /** Apply (or its deactivation step) was refused by the wrong-instance guard. Nothing of it was written. */
  refused: boolean;
  /** How many times Clerk's user list was read: 1, or 2 when apply first compared to check the guard. */
  clerkPasses: number;
}

export const DEFAULT_GUARD_THRESHOLD = 0.5;
const MAX_LISTED_INVALID = 20;

/**
 * Brings the database in line with Clerk, under the same rules as webhooks.
 *
 * Dry run: one pass over Clerk comparing page by page and, beside it, one keyset walk over the
 * database for users Clerk does not list. Apply: the same comparison first, so the wrong-instance guard
 * is decided before anything is written (skipped when forced or when the database has no active user,
 * as the guard cannot trip then), then a second pass writing what differs and a walk after it. Memory
 * holds a few Clerk pages (writeConcurrency in flight, one being read), the set of Clerk ids seen and the
 * active database users' ids (a 100,000-user table: a few MB).
 */
export async function reconcileUsers(
  db: Db,
  source: ClerkUserSource,
  options: ReconcileOptions = {},
): Promise<ReconcileSummary> {
  const { defaultRole } = withDefaults(options);
  const apply = options.apply ?? false;
  const force = options.force ?? false;
  const threshold = options.guardThreshold ?? DEFAULT_GUARD_THRESHOLD;
  const batchSize = options.writeBatchSize ?? 500;
  const concurrency = options.writeConcurrency ?? 4;
  const { signal, onProgress } = options;

  // Clerk id -> number of the pass that last saw it; a user listed twice in one pass (the list
  // shifted while paging) is counted once.
  const seen = new Map<string, number>();
  const invalidUsers: ReconcileSummary['invalidUsers'] = [];
  let passes = 0;

  async function pass(phase: 'compare' | 'apply'): Promise<{ counts: ReconcileCounts; clerkUsers: number }> {
    passes += 1;
    const passNumber = passes;
    const counts = emptyCounts();
    let clerkUsers = 0;
    invalidUsers.length = 0;

    // One page: compared in one read, its writes in one statement per batch.
    const comparePage = async (users: readonly unknown[]) => {
      const comparisons = await compareClerkUsers(db, users);
      const pageCounts = emptyCounts();
      if (phase === 'compare') {
        for (const c of comparisons) pageCounts[COUNT_OF_KIND[c.kind]] += 1;
        return { comparisons, pageCounts };
      }
      const toWrite = comparisons.flatMap((c) => ('fields' in c ? [c.fields] : []));
      for (const c of comparisons) if (!('fields' in c)) pageCounts[COUNT_OF_KIND[c.kind]] += 1;
      const outcomes = new Map(
        await inChunks(toWrite, batchSize, concurrency, async (chunk) => [
          ...(await applyClerkUsers(db, chunk, defaultRole)).entries(),
        ]),
      );
      for (const c of comparisons) {
        const outcome = 'fields' in c ? outcomes.get(c.clerkId) : undefined;
        if (outcome !== undefined) pageCounts[COUNT_OF_OUTCOME[outcome]] += 1;
      }
      return { comparisons, pageCounts };
    };
    // Settled in page order, so counts and the listed invalid users do not depend on timing.
    const settle = (page: Awaited<ReturnType<typeof comparePage>>, totalCount: number | undefined) => {
      clerkUsers += page.comparisons.length;
      for (const c of page.comparisons) {
        if (c.kind === 'invalid' && invalidUsers.length < MAX_LISTED_INVALID) {
          invalidUsers.push({ clerkId: c.clerkId, reason: c.reason });
        }
      }
      for (const key of Object.keys(counts) as Array<keyof ReconcileCounts>) {
        counts[key] += page.pageCounts[key];
      }
      onProgress?.({ phase, done: clerkUsers, total: totalCount ?? null });
    };

    // Up to `concurrency` pages are compared and written at once (each user is in one page only, so
    // their locks never overlap), while the next page is read from Clerk.
    const inFlight: Array<{ work: Promise<Awaited<ReturnType<typeof comparePage>>>; totalCount?: number }> =
      [];
    try {
      for await (const page of prefetching(source.pages(signal))) {
        signal?.throwIfAborted();
        // A user listed twice in one pass (the list shifted while paging) is counted once.
        const users = page.users.filter((json) => {
          const id = (json as { id?: unknown } | null)?.id;
          if (typeof id !== 'string') return true;
          if (seen.get(id) === passNumber) return false;
          seen.set(id, passNumber);
          return true;
        });
        const work = comparePage(users);
        work.catch(() => {}); // awaited below, in order; not an unhandled rejection meanwhile
        inFlight.push({ work, totalCount: page.totalCount });
        while (inFlight.length >= concurrency) {
          const head = inFlight.shift()!;
          settle(await head.work, head.totalCount);
        }
      }
      while (inFlight.length > 0) {
        const head = inFlight.shift()!;
        settle(await head.work, head.totalCount);
      }
    } finally {
      // On failure, nothing keeps writing after reconcile returns.
      await Promise.allSettled(inFlight.map((p) => p.work));
    }
    return { counts, clerkUsers };
  }

  /** The active database users' ids, in one keyset walk (a few thousand per query). */
  async function activeDatabaseUsers(): Promise<string[]> {
    const ids: string[] = [];
    for await (const batch of presentUsers(db)) {
      signal?.throwIfAborted();
      for (const row of batch) if (row.is_active) ids.push(row.clerk_id);
    }
    return ids;
  }

  /** Which active database users the listing did not contain (ids seen in any pass count as listed). */
  const scanOf = (active: readonly string[]): DatabaseScan => ({
    databaseUsers: active.length,
    missing: active.reduce((n, id) => (seen.has(id) ? n : n + 1), 0),
    deactivated: 0,
    foundInClerk: 0,
  });

  async function deactivateMissing(): Promise<DatabaseScan> {
    let databaseUsers = 0;
    let missing = 0;
    let deactivated = 0;
    let foundInClerk = 0;
    for await (const batch of presentUsers(db)) {
      signal?.throwIfAborted();
      const candidates: string[] = [];
      for (const row of batch) {
        if (!row.is_active) continue;
        databaseUsers += 1;
        if (!seen.has(row.clerk_id)) candidates.push(row.clerk_id);
      }
      missing += candidates.length;
      await inChunks(candidates, 1, concurrency, async ([clerkId]) => {
        signal?.throwIfAborted();
        // The listing can skip a user when others are deleted while paging: ask Clerk to be sure.
        if (await source.exists(clerkId!)) foundInClerk += 1;
        else if (await deactivateUser(db, clerkId!)) deactivated += 1;
        onProgress?.({ phase: 'deactivate', done: deactivated + foundInClerk, total: null });
        return [];
      });
    }
    return { databaseUsers, missing, deactivated, foundInClerk };
  }

  const guardFor = (databaseUsers: number, missing: number): WrongInstanceGuard => {
    const unknownShare = databaseUsers === 0 ? 0 : missing / databaseUsers;
    return { threshold, unknownShare, tripped: unknownShare > threshold, forced: force };
  };
  const summary = (
    mode: ReconcileSummary['mode'],
    result: { counts: ReconcileCounts; clerkUsers: number },
    scan: DatabaseScan,
    guard: WrongInstanceGuard,
    refused: boolean,
  ): ReconcileSummary => ({
    mode,
    clerkUsers: result.clerkUsers,
    databaseUsers: scan.databaseUsers,
    counts: result.counts,
    missingFromClerk: scan.missing,
    deactivated: scan.deactivated,
    missingButFoundInClerk: scan.foundInClerk,
    invalidUsers: [...invalidUsers],
    guard,
    refused,
    clerkPasses: passes,
  });

  if (options.incremental) {
    const result = await pass(apply ? 'apply' : 'compare');
    const notScanned = { databaseUsers: 0, missing: 0, deactivated: 0, foundInClerk: 0 };
    return summary(apply ? 'apply' : 'dry-run', result, notScanned, guardFor(0, 0), false);
  }

  if (!apply || (!force && (await hasActiveUsers(db)))) {
    // The comparison writes nothing, so the walk over the database runs beside it: the counts need both
    // to be done, nothing else.
    const [planned, active] = await both(pass('compare'), activeDatabaseUsers());
    const scan = scanOf(active);
    const guard = guardFor(scan.databaseUsers, scan.missing);
    if (!apply) return summary('dry-run', planned, scan, guard, false);
    if (guard.tripped) return summary('apply', planned, scan, guard, true);
    // Nothing differs: the database already equals Clerk as this pass read it. A second read would only
    // find changes made since, which webhooks deliver anyway.
    const writes = planned.counts.create + planned.counts.update + planned.counts.reactivate;
    if (writes === 0 && (!options.deactivateMissing || scan.missing === 0)) {
      return summary('apply', planned, scan, guard, false);
    }
  }

  const applied = await pass('apply');
  const scan = scanOf(await activeDatabaseUsers());
  const guard = guardFor(scan.databaseUsers, scan.missing);
  if (!options.deactivateMissing || scan.missing === 0) return summary('apply', applied, scan, guard, false);
  // Checked again: deactivating most of the table is the costliest mistake this command can make.
  if (guard.tripped && !force) return summary('apply', applied, scan, guard, true);
  const deactivation = await deactivateMissing();
  return summary('apply', applied, { ...deactivation, databaseUsers: scan.databaseUsers }, guard, false);
}

const COUNT_OF_KIND: Record<ClerkUserComparison['kind'], keyof ReconcileCounts> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  'newer-in-database': 'newerInDatabase',
  'deleted-in-database': 'deletedInDatabase',
  reactivate: 'reactivate',
  invalid: 'invalid',
};

// What actually happened may differ from the comparison when a webhook wrote in between.
const COUNT_OF_OUTCOME: Record<WriteOutcome, keyof ReconcileCounts> = {
  created: 'create',
  updated: 'update',
  unchanged: 'unchanged',
  stale: 'newerInDatabase',
  deleted: 'deletedInDatabase',
  reactivated: 'reactivate',
};

interface DatabaseScan {
  databaseUsers: number;
  missing: number;
  deactivated: number;
  foundInClerk: number;
}

/** Awaits both; the first failure is thrown once neither is still running. */
async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

function emptyCounts(): ReconcileCounts {
  return {
    create: 0,
    update: 0,
    unchanged: 0,
    newerInDatabase: 0,
    deletedInDatabase: 0,
    reactivate: 0,
    invalid: 0,
  };
}

async function hasActiveUsers(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('is_active', '=', true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Runs `work` over chunks of `items`, at most `concurrency` at a time, keeping the results' order. */
async function inChunks<T, R>(
  items: readonly T[],
  size: number,
  concurrency: number,
  work: (chunk: T[]) => Promise<R[]>,
): Promise<R[]> {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  const results: R[][] = new Array(chunks.length);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      results[index] = await work(chunks[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return results.flat();
}

/** Asks for the next page while the current one is being written. */
async function* prefetching<T>(iterable: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      // A failure of the prefetched page surfaces when it is awaited, not as an unhandled rejection.
      next.catch(() => {});
      yield result.value;
    }
  } finally {
    await iterator.return?.();
  }
}
