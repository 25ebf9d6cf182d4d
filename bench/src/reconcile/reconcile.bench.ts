// Reconcile: 100,000 users from the Clerk Backend API stand-in (its own process, filled with
// sampleClerkUser, its list frozen and pre-serialised) into an empty database, then again into the full
// one, through the real `usersync` binary (`usersync reconcile --apply --json`), as an operator runs it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { ReconcileSummary } from '@usersync/core/internal';
import type { BenchContext } from '../bench-context.ts';
import { startFakeClerkProcess } from '../clerk-stand-in/fake-clerk-process.ts';
import { processCpuMs, startCpuWindow } from '../cpu-usage.ts';
import { createMigratedDatabase, query } from '../databases.ts';
import { REPO_ROOT } from '../paths.ts';
import type { BenchResult } from '../results.ts';
import { markdownTable, round } from '../stats.ts';

const USERSYNC_BIN = join(REPO_ROOT, 'apps', 'cli', 'bin', 'usersync.js');

interface RunResult {
  name: string;
  users: number;
  /** As the command reports it (from opening the database to the summary). */
  seconds: number;
  usersPerSecond: number;
  /** The whole process, Node's start-up included. */
  processSeconds: number;
  clerkPasses: number;
  /** CPU ms per user: PostgreSQL (all its processes), the usersync process, the Clerk stand-in. */
  postgresCpuMsPerUser: number;
  cliCpuMsPerUser: number;
  /** The usersync process without its start-up (Node loading the CLI, measured apart). */
  cliCpuMsPerUserAfterStart: number;
  standInCpuMsPerUser: number;
  machineBusyShare: number;
  statementsPerPage: number;
  counts: ReconcileSummary['counts'];
}

/** CPU ms of one `usersync …` process, by bash's `times` (its children: the command it ran). */
async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; cpuMs: number }> {
  const { stdout, stderr } = await promisify(execFile)(
    'bash',
    ['-c', '"$0" "$@"; times >&2', process.execPath, USERSYNC_BIN, ...args],
    { cwd: REPO_ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
  );
  const [user, system] = [...(stderr.trim().split('\n').at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000,
  );
  return { stdout, cpuMs: (user ?? Number.NaN) + (system ?? Number.NaN) };
}

export async function benchReconcile(ctx: BenchContext): Promise<BenchResult> {
  const users = ctx.quick ? 10_000 : 100_000;
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  // Start-up alone: the second of two `usersync --help` (the first fills Node's compile cache).
  await runCli(['--help'], baseEnv);
  const startupCpuMs = (await runCli(['--help'], baseEnv)).cpuMs;
  const clerk = await startFakeClerkProcess({ users, idPrefix: 'user_rec' });
  const databaseUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_reconcile');
  const runs: RunResult[] = [];
  try {
    for (const name of ['into an empty database', 'again, into the full database']) {
      const [before] = await query<{ n: string }>(
        databaseUrl,
        'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
      );
      const window = startCpuWindow(null, ctx.postgres.port);
      const started = performance.now();
      const standIn0 = processCpuMs(clerk.pid);
      const { stdout, cpuMs: cliMs } = await runCli(['reconcile', '--apply', '--json'], {
        ...baseEnv,
        DATABASE_URL: databaseUrl,
        CLERK_SECRET_KEY: clerk.secretKey,
        CLERK_API_URL: clerk.url,
      });
      const processSeconds = (performance.now() - started) / 1000;
      const used = window.end();
      const standInMs = processCpuMs(clerk.pid) - standIn0;
      // Statistics are flushed when a backend goes idle: wait a moment for the CLI's to arrive.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const [after] = await query<{ n: string }>(
        databaseUrl,
        'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
      );
      const report = JSON.parse(stdout) as ReconcileSummary & { durationMs: number; usersPerSecond: number };
      const pages = Math.ceil(report.clerkUsers / 500) * report.clerkPasses;
      runs.push({
        name,
        users: report.clerkUsers,
        seconds: round(report.durationMs / 1000, 2),
        usersPerSecond: report.usersPerSecond,
        processSeconds: round(processSeconds, 2),
        clerkPasses: report.clerkPasses,
        postgresCpuMsPerUser: round(used.postgresMs / Math.max(1, report.clerkUsers), 4),
        cliCpuMsPerUser: round(cliMs / Math.max(1, report.clerkUsers), 4),
        cliCpuMsPerUserAfterStart: round((cliMs - startupCpuMs) / Math.max(1, report.clerkUsers), 4),
        standInCpuMsPerUser: round(standInMs / Math.max(1, report.clerkUsers), 4),
        machineBusyShare: used.machineBusyShare,
        // Every statement the CLI ran is its own transaction (reads included), minus our two counting queries.
        statementsPerPage: round((Number(after?.n) - Number(before?.n) - 1) / Math.max(1, pages), 1),
        counts: report.counts,
      });
      console.log(
        `  ${name}: ${report.usersPerSecond} users/s (${round(processSeconds, 1)} s with start-up)`,
      );
    }
  } finally {
    await clerk.stop();
  }
  const table = markdownTable(
    [
      'run',
      'users',
      'seconds',
      'users/s',
      'process incl. start-up (s)',
      'Clerk passes',
      'statements per Clerk page',
      'CPU ms / user: usersync (after start-up) / PostgreSQL / Clerk stand-in',
      'machine busy',
      'outcome',
    ],
    runs.map((r) => [
      r.name,
      r.users,
      r.seconds,
      `**${r.usersPerSecond}**`,
      r.processSeconds,
      r.clerkPasses,
      r.statementsPerPage,
      `${r.cliCpuMsPerUser} (${r.cliCpuMsPerUserAfterStart}) / ${r.postgresCpuMsPerUser} / ${r.standInCpuMsPerUser}`,
      `${Math.round(r.machineBusyShare * 100)}%`,
      Object.entries(r.counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', '),
    ]),
  );
  const markdown = [
    `${users.toLocaleString('en')} users served by the Backend API stand-in (its own process, pages of 500`,
    "serialised once before the runs and sent as stored bytes, no added latency: Clerk's CPU is not on our",
    'machine), applied by the real binary: `usersync reconcile --apply --json` (CLI, pool of 10). Each page is',
    'compared in one read (stored version and tombstone per id); only users that need writing are validated',
    'and mapped, and written in one call of `usersync_write_clerk_users` (the set-based rule webhooks use too);',
    '4 pages in flight. A re-run whose first (guard) pass finds nothing to write stops there (one Clerk pass).',
    '"users/s" is what the command reports (database open to summary); the process column adds Node\'s',
    'start-up, and the CPU column gives the usersync process with and without its start-up (measured apart:',
    '`usersync --help`). Targets (issue 11): ≥ 20,000 users/s into an empty database, ≥ 50,000 users/s for',
    'a re-run. Statements are counted from `pg_stat_database.xact_commit`.',
    '',
    table,
  ].join('\n');
  return { name: 'reconcile', title: 'Reconcile', machine: ctx.machine, markdown, data: { runs } };
}
