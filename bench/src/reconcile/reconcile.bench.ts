// Reconcile: 100,000 users from the Clerk Backend API stand-in (its own process, filled with
// sampleClerkUser) into an empty database, then again into the full one, through the CLI's Backend API
// source and core's reconcileUsers, as `usersync reconcile --apply` runs them.
import { performance } from 'node:perf_hooks';
import { clerkBackendUserSource } from '@usersync/core/clerk-backend';
import type { Database } from '@usersync/core/db';
import { type ClerkUserSource, type ReconcileSummary, reconcileUsers } from '@usersync/core/reconcile';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { BenchContext } from '../bench-context.ts';
import { startFakeClerkProcess } from '../clerk-stand-in/fake-clerk-process.ts';
import { createMigratedDatabase } from '../databases.ts';
import type { BenchResult } from '../results.ts';
import { markdownTable, round } from '../stats.ts';

type Interval = [start: number, end: number];

interface RunResult {
  name: string;
  users: number;
  seconds: number;
  usersPerSecond: number;
  clerkPasses: number;
  /** Share of wall time with at least one Backend API page request in flight. */
  clerkShare: number;
  /** Share of wall time with at least one database statement in flight. */
  databaseShare: number;
  pages: number;
  statements: number;
  counts: ReconcileSummary['counts'];
}

export async function benchReconcile(ctx: BenchContext): Promise<BenchResult> {
  const users = ctx.quick ? 10_000 : 100_000;
  const clerk = await startFakeClerkProcess({ users, idPrefix: 'user_rec' });
  const databaseUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_reconcile');
  const statements: Interval[] = [];
  // The CLI's pool size (core's default); the log hook times every statement.
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 10 }) }),
    log(event) {
      const end = performance.now();
      statements.push([end - event.queryDurationMillis, end]);
    },
  });
  const runs: RunResult[] = [];
  try {
    for (const name of ['into an empty database', 'again, into the full database']) {
      statements.length = 0;
      const pages: Interval[] = [];
      const source = timedSource(
        clerkBackendUserSource({ secretKey: clerk.secretKey, apiUrl: clerk.url }),
        pages,
      );
      const started = performance.now();
      const summary = await reconcileUsers(db, source, { apply: true });
      const ended = performance.now();
      const wall = ended - started;
      runs.push({
        name,
        users: summary.clerkUsers,
        seconds: round(wall / 1000, 1),
        usersPerSecond: Math.round(summary.clerkUsers / (wall / 1000)),
        clerkPasses: summary.clerkPasses,
        clerkShare: round(unionLength(pages) / wall, 2),
        databaseShare: round(unionLength(statements) / wall, 2),
        pages: pages.length,
        statements: statements.length,
        counts: summary.counts,
      });
      console.log(`  ${name}: ${runs.at(-1)?.usersPerSecond} users/s`);
    }
  } finally {
    await db.destroy();
    await clerk.stop();
  }
  const table = markdownTable(
    [
      'run',
      'users',
      'seconds',
      'users/s',
      'Clerk passes',
      'waiting on Clerk API',
      'database statements in flight',
      'outcome',
    ],
    runs.map((r) => [
      r.name,
      r.users,
      r.seconds,
      r.usersPerSecond,
      r.clerkPasses,
      `${Math.round(r.clerkShare * 100)}% (${r.pages} pages)`,
      `${Math.round(r.databaseShare * 100)}% (${r.statements} statements)`,
      Object.entries(r.counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', '),
    ]),
  );
  const markdown = [
    `${users.toLocaleString('en')} users served by the Backend API stand-in (its own process, pages of 500,`,
    "no added latency) read through the CLI's `clerkBackendUserSource` (@clerk/backend) and applied by core's",
    '`reconcileUsers` with `apply: true` (batches of 100 users per transaction, 4 in flight, pool of 10).',
    'Shares are of wall time: "waiting on Clerk API" = at least one page request in flight, "database" =',
    'at least one statement in flight; they overlap because reconcile fetches the next page while writing.',
    'The second run reads Clerk twice: a comparison pass first decides the wrong-instance guard.',
    '',
    table,
  ].join('\n');
  return { name: 'reconcile', title: 'Reconcile', machine: ctx.machine, markdown, data: { runs } };
}

/** Wraps a source so that each page request's time in flight is recorded. */
function timedSource(source: ClerkUserSource, pages: Interval[]): ClerkUserSource {
  return {
    exists: (id) => source.exists(id),
    pages(signal) {
      const inner = source.pages(signal)[Symbol.asyncIterator]();
      return {
        [Symbol.asyncIterator]() {
          return {
            async next() {
              const start = performance.now();
              const result = await inner.next();
              pages.push([start, performance.now()]);
              return result;
            },
            return: async (value?: unknown) =>
              (await inner.return?.(value)) ?? { done: true, value: undefined },
          };
        },
      };
    },
  };
}

/** Total length covered by a set of intervals (overlaps counted once). */
function unionLength(intervals: Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [curStart, curEnd] = sorted[0] ?? [0, 0];
  for (const [start, end] of sorted.slice(1)) {
    if (start > curEnd) {
      total += curEnd - curStart;
      curStart = start;
      curEnd = end;
    } else if (end > curEnd) {
      curEnd = end;
    }
  }
  return total + (curEnd - curStart);
}
