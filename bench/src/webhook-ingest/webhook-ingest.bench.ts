// Webhook ingest, side by side: usersync's production API build and a baseline receiver written the
// way Clerk's docs write it (baseline-receiver.ts), on the same durable PostgreSQL, driven by the same
// load-generator program in its own process, in interleaved rounds (docs/decisions/072).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '@usersync/api/node-flags';
import {
  startThrowawayPgBouncer,
  startThrowawayPostgres,
  type ThrowawayPgBouncer,
} from '@usersync/testing/database';
import { freePort } from '@usersync/testing/processes';
import { testWebhookSecret } from '@usersync/testing/svix';
import { startApi } from '../../faults/support.ts';
import { type BenchContext, runNodeProcess } from '../bench-context.ts';
import { createMigratedDatabase, query } from '../databases.ts';
import type { LoadConfig, LoadResult } from '../load-generator/load-worker.ts';
import { scratchDir } from '../paths.ts';
import type { BenchResult } from '../results.ts';
import { markdownTable, round } from '../stats.ts';
import { BASELINE_SCHEMA } from './baseline-receiver.ts';
import { measureLayerCosts } from './layer-costs.ts';

const LOAD_WORKER = fileURLToPath(new URL('../load-generator/load-worker.ts', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline-receiver.ts', import.meta.url));
const LEVELS = [1, 16, 64] as const;
/** `pooler`: usersync through PgBouncer in transaction mode (`pnpm bench webhook-ingest --pooler`). */
type ReceiverName = 'baseline' | 'usersync' | 'pooler';
// Interleaved so that whatever else the machine does at a given moment hits both receivers alike.
const ROUND_ORDER: ReceiverName[] = ['baseline', 'usersync', 'usersync', 'baseline'];
const ROUND_ORDER_WITH_POOLER: ReceiverName[] = [
  'baseline',
  'usersync',
  'pooler',
  'pooler',
  'usersync',
  'baseline',
];

interface Receiver {
  name: ReceiverName;
  url: string;
  pid: number;
  /** VmHWM: the process's peak resident memory so far, in MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

interface Round {
  receiver: ReceiverName;
  concurrency: number;
  load: LoadResult;
}

export async function benchWebhookIngest(ctx: BenchContext): Promise<BenchResult> {
  // Short rounds (BENCH_QUICK=1 or BENCH_SHORT=1): ≈ 2 minutes; full: ≈ 5 minutes.
  const short = ctx.quick || process.env.BENCH_SHORT === '1';
  const roundSeconds = short ? 4 : 8;
  const repeats = short ? 1 : 2;
  const secret = testWebhookSecret();
  const withPooler = process.argv.includes('--pooler') || process.env.BENCH_POOLER === '1';
  const order = withPooler ? ROUND_ORDER_WITH_POOLER : ROUND_ORDER;

  const layers = await measureLayerCosts(short ? 1_000 : 3_000);
  // The headline runs on PostgreSQL's durable defaults (fsync, synchronous_commit, full_page_writes on):
  // commit cost is part of what a receiver pays per delivery.
  const durable = await startThrowawayPostgres({ durable: true });
  const rounds: Round[] = [];
  const peakRss: Record<ReceiverName, number> = { baseline: 0, usersync: 0, pooler: 0 };
  let bouncer: ThrowawayPgBouncer | undefined;
  let stored: Record<string, string> | undefined;
  let baselineRows: string | undefined;
  try {
    const usersyncUrl = await createMigratedDatabase(durable.url, 'bench_ingest_usersync');
    const baselineUrl = await createBaselineDatabase(durable.url, 'bench_ingest_baseline');
    const receivers: Partial<Record<ReceiverName, Receiver>> = {
      usersync: await startUsersync(usersyncUrl, secret),
      baseline: await startBaseline(baselineUrl, secret),
    };
    if (withPooler) {
      // Enough server connections for the API's pool: the pooler adds its hop, not a queue.
      bouncer = await startThrowawayPgBouncer({ postgresPort: durable.port, serverConnections: 20 });
      receivers.pooler = await startUsersync(bouncer.urlFor(usersyncUrl), secret, {
        DATABASE_POOL_MODE: 'transaction',
      });
    }
    try {
      for (const concurrency of LEVELS) {
        for (let r = 0; r < repeats; r++) {
          for (const name of order) {
            const receiver = receivers[name]!;
            const load = await runNodeProcess<LoadResult>(
              LOAD_WORKER,
              {
                url: receiver.url,
                secret,
                connections: concurrency,
                // Bounded by time (maxSeconds); enough prepared deliveries never to run out first.
                amount: roundSeconds * (concurrency === 1 ? 2_500 : 7_000),
                maxSeconds: roundSeconds,
                runId: `${name[0]}${concurrency}r${r}${rounds.length}x`,
                updateShare: 0.2,
                warmup: Math.max(200, concurrency * 10),
                apiPid: receiver.pid,
                postgresPort: durable.port,
              } satisfies LoadConfig & { warmup: number },
              120_000,
            );
            rounds.push({ receiver: name, concurrency, load });
            console.log(
              `  c=${concurrency} ${name.padEnd(8)} ${load.perSecond}/s p50 ${load.latencyMs.p50} ms ` +
                `p99 ${load.latencyMs.p99} ms, CPU/delivery API ${load.cpu?.apiMs} PG ${load.cpu?.postgresMs} ` +
                `gen ${load.cpu?.generatorMs} ms, busy ${load.cpu?.machineBusyShare}, ` +
                `HTTP ${JSON.stringify(load.statusCodes)}`,
            );
          }
        }
      }
      for (const name of order) peakRss[name] = receivers[name]!.peakRssMiB();
    } finally {
      await Promise.all(Object.values(receivers).map((r) => r.stop()));
      bouncer?.destroy();
    }
    [stored] = await query<Record<string, string>>(
      usersyncUrl,
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM webhook_events) AS events,
              (SELECT count(*) FROM webhook_events WHERE status = 'applied') AS applied`,
    );
    baselineRows = (await query<{ n: string }>(baselineUrl, 'SELECT count(*) AS n FROM users'))[0]?.n;
  } finally {
    durable.destroy();
  }

  const summary = LEVELS.map((concurrency) => {
    const of = (name: ReceiverName) =>
      summarize(rounds.filter((r) => r.receiver === name && r.concurrency === concurrency));
    const baseline = of('baseline');
    const usersync = of('usersync');
    const pooler = withPooler ? of('pooler') : null;
    return {
      concurrency,
      baseline,
      usersync,
      pooler,
      ratios: {
        throughput: round(usersync.perSecond / baseline.perSecond, 2),
        p50: round(usersync.p50 / baseline.p50, 2),
        p99: round(usersync.p99 / baseline.p99, 2),
        apiCpu: round(usersync.apiMs / baseline.apiMs, 2),
        postgresCpu: round(usersync.postgresMs / baseline.postgresMs, 2),
      },
    };
  });

  const statusTotals = (name: ReceiverName) =>
    Object.entries(
      rounds
        .filter((r) => r.receiver === name)
        .reduce<Record<string, number>>((acc, r) => {
          for (const [k, v] of Object.entries(r.load.statusCodes)) acc[k] = (acc[k] ?? 0) + v;
          return acc;
        }, {}),
    )
      .map(([k, v]) => `${v} × HTTP ${k}`)
      .join(', ');

  const lines = [
    'usersync (`node apps/api/dist/server.js`, NODE_ENV=production, LOG_LEVEL=info: one JSON line per',
    "delivery into a file) against a **baseline receiver written as Clerk's docs write it**",
    '(`bench/src/webhook-ingest/baseline-receiver.ts`: Fastify with its logger on, `verifyWebhook` from',
    '`@clerk/fastify/webhooks`, one `INSERT … ON CONFLICT (clerk_id) DO UPDATE` through a `pg` pool of 10; no',
    'dedupe, no ordering, no event log). Both on the same **durable PostgreSQL 15** (default settings: fsync,',
    'synchronous_commit and full_page_writes on), both driven by the same autocannon load generator in its',
    'own process: signed `user.created` (80 %) and `user.updated` (20 %), a unique svix-id each, one request in',
    `flight per connection. Rounds of ${roundSeconds} s, interleaved ${order.join(', ')}` +
      `${repeats > 1 ? ` (× ${repeats})` : ''} at each concurrency; figures are the median of each receiver's rounds.`,
    'CPU per delivery is read from /proc for the receiver process, every PostgreSQL process of the cluster, and',
    'the generator. The machine is shared (other work shows as "machine busy"): absolute figures are noisy,',
    'the interleaving keeps the ratios honest.',
    '',
    markdownTable(
      [
        'concurrency',
        'baseline deliveries/s',
        'usersync deliveries/s',
        'usersync / baseline',
        'baseline p50 / p99 ms',
        'usersync p50 / p99 ms',
      ],
      summary.map((s) => [
        s.concurrency,
        s.baseline.perSecond,
        s.usersync.perSecond,
        `**${s.ratios.throughput}×**`,
        `${s.baseline.p50} / ${s.baseline.p99}`,
        `${s.usersync.p50} / ${s.usersync.p99}`,
      ]),
    ),
    ...(withPooler
      ? [
          '',
          'usersync through **PgBouncer 1.18 in transaction mode** (`pooler`, DATABASE_POOL_MODE=transaction:',
          'unnamed statements, 20 server connections) beside it direct (named prepared statements), same database:',
          '',
          markdownTable(
            [
              'concurrency',
              'direct deliveries/s',
              'pooled deliveries/s',
              'pooled / direct',
              'pooled p50 / p99 ms',
            ],
            summary.map((s) => [
              s.concurrency,
              s.usersync.perSecond,
              s.pooler!.perSecond,
              `**${round(s.pooler!.perSecond / s.usersync.perSecond, 2)}×**`,
              `${s.pooler!.p50} / ${s.pooler!.p99}`,
            ]),
          ),
        ]
      : []),
    '',
    'CPU per delivery (ms), median of rounds:',
    '',
    markdownTable(
      [
        'concurrency',
        'API: baseline / usersync',
        'PostgreSQL: baseline / usersync',
        'generator: baseline / usersync',
        'API ratio',
        'PostgreSQL ratio',
        'machine busy',
      ],
      summary.map((s) => [
        s.concurrency,
        `${s.baseline.apiMs} / ${s.usersync.apiMs}`,
        `${s.baseline.postgresMs} / ${s.usersync.postgresMs}`,
        `${s.baseline.generatorMs} / ${s.usersync.generatorMs}`,
        s.ratios.apiCpu,
        s.ratios.postgresCpu,
        `${Math.round(s.baseline.busy * 100)}% / ${Math.round(s.usersync.busy * 100)}%`,
      ]),
    ),
    '',
    `Peak RSS over the whole run: baseline ${peakRss.baseline} MiB, usersync ${peakRss.usersync} MiB.`,
    '',
    `Responses: baseline ${statusTotals('baseline')}; usersync ${statusTotals('usersync')}. Stored afterwards: ` +
      `baseline ${baselineRows} users; usersync ${stored?.users} users, ${stored?.events} webhook_events ` +
      `(${stored?.applied} applied).`,
    '',
    'What each layer of the request path costs per delivery (µs of CPU, measured in one process on the',
    "generator's body; the webhook route leaves out helmet's security headers and writes one log line):",
    '',
    markdownTable(
      ['layer', 'µs per delivery'],
      layers.map((l) => [l.layer, l.microseconds]),
    ),
    '',
    'Every round:',
    '',
    markdownTable(
      ['c', 'receiver', 'deliveries/s', 'p50 ms', 'p99 ms', 'API ms', 'PG ms', 'gen ms', 'busy'],
      rounds.map((r) => [
        r.concurrency,
        r.receiver,
        r.load.perSecond,
        r.load.latencyMs.p50,
        r.load.latencyMs.p99,
        r.load.cpu?.apiMs ?? '-',
        r.load.cpu?.postgresMs ?? '-',
        r.load.cpu?.generatorMs ?? '-',
        r.load.cpu ? `${Math.round(r.load.cpu.machineBusyShare * 100)}%` : '-',
      ]),
    ),
  ];
  return {
    name: 'webhook-ingest',
    title: 'Webhook ingest: usersync against a Clerk-docs receiver (durable PostgreSQL)',
    machine: ctx.machine,
    markdown: lines.join('\n'),
    data: { roundSeconds, repeats, summary, peakRss, layers, rounds, stored, baselineRows },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(rounds: Round[]) {
  const m = (pick: (r: Round) => number | undefined, digits = 3) =>
    round(median(rounds.map((r) => pick(r) ?? Number.NaN)), digits);
  return {
    rounds: rounds.length,
    perSecond: Math.round(median(rounds.map((r) => r.load.perSecond))),
    p50: m((r) => r.load.latencyMs.p50, 2),
    p99: m((r) => r.load.latencyMs.p99, 2),
    apiMs: m((r) => r.load.cpu?.apiMs),
    postgresMs: m((r) => r.load.cpu?.postgresMs),
    generatorMs: m((r) => r.load.cpu?.generatorMs),
    busy: m((r) => r.load.cpu?.machineBusyShare, 2),
  };
}

async function createBaselineDatabase(serverUrl: string, name: string): Promise<string> {
  const url = new URL(serverUrl);
  await query(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await query(serverUrl, `CREATE DATABASE "${name}"`);
  url.pathname = `/${name}`;
  await query(url.toString(), BASELINE_SCHEMA);
  return url.toString();
}

function peakRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return round(kib / 1024, 1);
  } catch {
    return Number.NaN;
  }
}

async function startUsersync(
  databaseUrl: string,
  secret: string,
  env: Record<string, string> = {},
): Promise<Receiver> {
  const api = await startApi(databaseUrl, 'bench-webhook-ingest', {
    secret,
    // As `pnpm start:api` runs it: the memory flags of docs/decisions/073 and 130.
    nodeArgs: [...API_NODE_FLAGS],
    // The production default: one JSON log line per delivery, here into a file.
    env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', ...env },
  });
  return {
    name: env.DATABASE_POOL_MODE ? 'pooler' : 'usersync',
    url: api.url,
    pid: api.pid,
    peakRssMiB: () => round(api.memory().peakRssKiB / 1024, 1),
    stop: () => api.stop(),
  };
}

async function startBaseline(databaseUrl: string, secret: string): Promise<Receiver> {
  const port = await freePort();
  const logFile = join(scratchDir(), 'bench-webhook-baseline.log');
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [BASELINE, JSON.stringify({ port, databaseUrl })], {
    cwd: scratchDir(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      CLERK_WEBHOOK_SIGNING_SECRET: secret,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const deadline = Date.now() + 30_000;
  while (!readFileSync(logFile, 'utf8').includes('listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`baseline receiver did not start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
  return {
    name: 'baseline',
    url: `http://127.0.0.1:${port}`,
    pid,
    peakRssMiB: () => peakRssMiB(pid),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
