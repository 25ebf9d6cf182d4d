// Webhook ingest, side by side: usersync's production API build, a receiver written the way Clerk's docs
// write it (baseline-receiver.ts) and the leanest hand-written one (lean-receiver.ts), on the same durable
// PostgreSQL, driven by the same load-generator program in its own process, in interleaved rounds at
// c = 1, 16 and 64, optionally again with the tables filled (docs/decisions/072, 160).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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

import { measureLayerCosts } from './layer-costs.ts';
import { BASELINE_SCHEMA } from './one-upsert.ts';

const LOAD_WORKER = fileURLToPath(new URL('../load-generator/load-worker.ts', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline-receiver.ts', import.meta.url));
const LEAN = fileURLToPath(new URL('./lean-receiver.ts', import.meta.url));
const LEVELS = [1, 16, 64] as const;
/** `pooler`: usersync through PgBouncer in transaction mode (`pnpm bench webhook-ingest --pooler`). */
type ReceiverName = 'clerk-docs' | 'lean' | 'usersync' | 'pooler';
// Interleaved so that whatever else the machine does at a given moment hits every receiver alike.
const ROUND_ORDER: ReceiverName[] = ['clerk-docs', 'lean', 'usersync', 'usersync', 'lean', 'clerk-docs'];
const ROUND_ORDER_WITH_POOLER: ReceiverName[] = [
  'clerk-docs',
  'lean',
  'usersync',
  'pooler',
  'pooler',
  'usersync',
  'lean',
  'clerk-docs',
];
type Tables = 'empty' | 'filled';

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
  tables: Tables;
  load: LoadResult;
}

/**
 * `npm run bench -- webhook-ingest [--seconds=N] [--repeats=N] [--levels=1,16,64] [--filled=N] [--pooler]`.
 */
export interface IngestOptions {
  /** Length of one measured round. */
  seconds: number;
  /** How many times each level runs ROUND_ORDER. */
  repeats: number;
  levels: readonly number[];
  /** When set: every level again after storing this many users and recorded deliveries per receiver. */
  filled: number | null;
  /** usersync through PgBouncer (transaction mode) as a fourth receiver (also BENCH_POOLER=1). */
  pooler: boolean;
}

/** The options that take a value (bench/run.ts leaves their values out of the benchmark names). */
export const INGEST_VALUE_OPTIONS = ['seconds', 'repeats', 'levels', 'filled'] as const;

export function ingestOptions(argv: readonly string[], short: boolean): IngestOptions {
  const flag = (name: string): string | undefined => {
    for (const [i, arg] of argv.entries()) {
      if (arg === `--${name}`) return argv[i + 1];
      if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    }
    return undefined;
  };
  const positive = (name: string, fallback: number): number => {
    const raw = flag(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return value;
  };
  const levels = flag('levels')?.split(',').map(Number) ?? [...LEVELS];
  if (levels.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--levels must be like 1,16,64`);
  const filled = flag('filled');
  return {
    seconds: positive('seconds', short ? 4 : 8),
    repeats: positive('repeats', short ? 1 : 2),
    levels,
    filled: filled === undefined ? null : positive('filled', 0),
    pooler: argv.includes('--pooler') || process.env.BENCH_POOLER === '1',
  };
}

export async function benchWebhookIngest(ctx: BenchContext): Promise<BenchResult> {
  // Short rounds (BENCH_QUICK=1 or BENCH_SHORT=1, or --seconds=3 for a quick check).
  const short = ctx.quick || process.env.BENCH_SHORT === '1';
  const options = ingestOptions(process.argv.slice(2), short);
  const { seconds: roundSeconds, repeats, levels } = options;
  const order = options.pooler ? ROUND_ORDER_WITH_POOLER : ROUND_ORDER;
  const present = [...new Set(order)];
  const secret = testWebhookSecret();
  const loadAverage = loadavg().map((l) => round(l, 2));

  const layers = await measureLayerCosts(short ? 1_000 : 3_000);
  // The headline runs on PostgreSQL's durable defaults (fsync, synchronous_commit, full_page_writes on):
  // commit cost is part of what a receiver pays per delivery.
  const durable = await startThrowawayPostgres({ durable: true });
  const rounds: Round[] = [];
  const peakRss: Record<ReceiverName, number> = { 'clerk-docs': 0, lean: 0, usersync: 0, pooler: 0 };
  let bouncer: ThrowawayPgBouncer | undefined;
  let stored: Record<string, string> | undefined;
  let baselineRows: string | undefined;
  let fillSeconds: number | null = null;
  try {
    const usersyncUrl = await createMigratedDatabase(durable.url, 'bench_ingest_usersync');
    // The Clerk-docs and lean receivers write the same one table; their ids never repeat (runId).
    const baselineUrl = await createBaselineDatabase(durable.url, 'bench_ingest_baseline');
    const receivers: Partial<Record<ReceiverName, Receiver>> = {
      usersync: await startUsersync(usersyncUrl, secret),
      'clerk-docs': await startBaseline('clerk-docs', BASELINE, baselineUrl, secret),
      lean: await startBaseline('lean', LEAN, baselineUrl, secret),
    };
    if (options.pooler) {
      // Enough server connections for the API's pool: the pooler adds its hop, not a queue.
      bouncer = await startThrowawayPgBouncer({ postgresPort: durable.port, serverConnections: 20 });
      receivers.pooler = await startUsersync(bouncer.urlFor(usersyncUrl), secret, {
        DATABASE_POOL_MODE: 'transaction',
      });
    }
    const runLevels = async (tables: Tables) => {
      for (const concurrency of levels) {
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
                runId: `${name[0]}${tables[0]}${concurrency}r${r}${rounds.length}x`,
                updateShare: 0.2,
                warmup: Math.max(200, concurrency * 10),
                apiPid: receiver.pid,
                postgresPort: durable.port,
              } satisfies LoadConfig & { warmup: number },
              120_000 + roundSeconds * 4_000,
            );
            rounds.push({ receiver: name, concurrency, tables, load });
            console.log(
              `  ${tables} c=${concurrency} ${name.padEnd(10)} ${load.perSecond}/s p50 ${load.latencyMs.p50} ms ` +
                `p99 ${load.latencyMs.p99} ms, CPU/delivery API ${load.cpu?.apiMs} PG ${load.cpu?.postgresMs} ` +
                `gen ${load.cpu?.generatorMs} ms, busy ${load.cpu?.machineBusyShare}, ` +
                `HTTP ${JSON.stringify(load.statusCodes)}`,
            );
          }
        }
      }
    };
    try {
      await runLevels('empty');
      if (options.filled !== null) {
        const started = performance.now();
        console.log(`  filling: ${options.filled} users and recorded deliveries per database…`);
        await fillUsersync(usersyncUrl, options.filled);
        await fillBaseline(baselineUrl, options.filled);
        fillSeconds = round((performance.now() - started) / 1000, 1);
        console.log(`  filled in ${fillSeconds} s`);
        await runLevels('filled');
      }
      for (const name of present) peakRss[name] = receivers[name]!.peakRssMiB();
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

  const summaryOf = (tables: Tables) =>
    levels.map((concurrency) => {
      const of = (name: ReceiverName) =>
        summarize(
          rounds.filter((r) => r.receiver === name && r.concurrency === concurrency && r.tables === tables),
        );
      const docs = of('clerk-docs');
      const lean = of('lean');
      const usersync = of('usersync');
      const pooler = options.pooler ? of('pooler') : null;
      const ratios = (base: ReturnType<typeof summarize>) => ({
        throughput: round(usersync.perSecond / base.perSecond, 2),
        p50: round(usersync.p50 / base.p50, 2),
        p99: round(usersync.p99 / base.p99, 2),
        apiCpu: round(usersync.apiMs / base.apiMs, 2),
        postgresCpu: round(usersync.postgresMs / base.postgresMs, 2),
      });
      return { concurrency, docs, lean, usersync, pooler, vsDocs: ratios(docs), vsLean: ratios(lean) };
    });
  const summary = summaryOf('empty');
  const filledSummary = options.filled === null ? null : summaryOf('filled');

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

  const tablesOf = (rows: ReturnType<typeof summaryOf>, heading: string) => [
    heading,
    '',
    markdownTable(
      [
        'c',
        'deliveries/s: Clerk-docs · lean · usersync',
        'usersync / Clerk-docs',
        'usersync / lean',
        'p50 / p99 ms: Clerk-docs · lean · usersync',
      ],
      rows.map((s) => [
        s.concurrency,
        `${s.docs.perSecond} · ${s.lean.perSecond} · ${s.usersync.perSecond}`,
        `**${s.vsDocs.throughput}×**`,
        `**${s.vsLean.throughput}×**`,
        `${s.docs.p50} / ${s.docs.p99} · ${s.lean.p50} / ${s.lean.p99} · ${s.usersync.p50} / ${s.usersync.p99}`,
      ]),
    ),
    ...(options.pooler
      ? [
          '',
          'usersync through **PgBouncer 1.18 in transaction mode** (`pooler`, DATABASE_POOL_MODE=transaction:',
          'unnamed statements, 20 server connections) beside it direct (named prepared statements), same database:',
          '',
          markdownTable(
            ['c', 'direct deliveries/s', 'pooled deliveries/s', 'pooled / direct', 'pooled p50 / p99 ms'],
            rows.map((s) => [
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
    'CPU per delivery (ms), median of rounds, Clerk-docs · lean · usersync:',
    '',
    markdownTable(
      [
        'c',
        'API',
        'PostgreSQL',
        'generator',
        'API ratio vs docs / lean',
        'PG ratio vs docs / lean',
        'machine busy',
      ],
      rows.map((s) => [
        s.concurrency,
        `${s.docs.apiMs} · ${s.lean.apiMs} · ${s.usersync.apiMs}`,
        `${s.docs.postgresMs} · ${s.lean.postgresMs} · ${s.usersync.postgresMs}`,
        `${s.docs.generatorMs} · ${s.lean.generatorMs} · ${s.usersync.generatorMs}`,
        `${s.vsDocs.apiCpu} / ${s.vsLean.apiCpu}`,
        `${s.vsDocs.postgresCpu} / ${s.vsLean.postgresCpu}`,
        `${pct(s.docs.busy)} · ${pct(s.lean.busy)} · ${pct(s.usersync.busy)}`,
      ]),
    ),
    '',
  ];

  const filledLines =
    filledSummary === null
      ? []
      : [
          ...tablesOf(
            filledSummary,
            `With ${options.filled!.toLocaleString('en-US')} users and ${options.filled!.toLocaleString('en-US')} ` +
              `recorded deliveries stored before the rounds (filled in ${fillSeconds} s):`,
          ),
          'Filled against empty, deliveries/s (1.00 = unchanged):',
          '',
          markdownTable(
            ['c', 'Clerk-docs', 'lean', 'usersync'],
            filledSummary.map((f, i) => {
              const e = summary[i]!;
              return [
                f.concurrency,
                round(f.docs.perSecond / e.docs.perSecond, 2),
                round(f.lean.perSecond / e.lean.perSecond, 2),
                round(f.usersync.perSecond / e.usersync.perSecond, 2),
              ];
            }),
          ),
          '',
        ];

  const lines = [
    'usersync (`node apps/api/dist/server.js` with `API_NODE_FLAGS`, NODE_ENV=production, LOG_LEVEL=info: one',
    'JSON line per delivery into a file) beside two receivers that each do one upsert: **Clerk-docs** — written',
    "as Clerk's docs write it (`bench/src/webhook-ingest/baseline-receiver.ts`: Fastify with its logger on,",
    '`verifyWebhook` from `@clerk/fastify/webhooks`, one `INSERT … ON CONFLICT (clerk_id) DO UPDATE` through a',
    '`pg` pool of 10) — and **lean** (`lean-receiver.ts`: Fastify, logger off, body as a string, `svix`',
    '`Webhook.verify`, the same upsert, pool 10). Neither has dedupe, ordering, tombstones or an event log. All',
    'on the same **durable PostgreSQL 15** (fsync, synchronous_commit and full_page_writes on), driven by the',
    'same autocannon load generator in its own process: signed `user.created` (80 %) and `user.updated` (20 %),',
    `a unique svix-id each, one request in flight per connection. Rounds of ${roundSeconds} s, interleaved`,
    `${order.join(', ')}${repeats > 1 ? ` (× ${repeats})` : ''} at each concurrency; figures are the`,
    "median of each receiver's rounds. CPU per delivery is read from /proc for the receiver process, every",
    'PostgreSQL process of the cluster, and the generator. The machine is shared (other work shows as',
    `"machine busy"; load average at the start ${loadAverage.join(' / ')}): absolute figures are noisy, the`,
    'interleaving keeps the ratios honest.',
    '',
    ...tablesOf(summary, 'Empty tables at the start:'),
    ...filledLines,
    `Peak RSS over the whole run: Clerk-docs ${peakRss['clerk-docs']} MiB, lean ${peakRss.lean} MiB, usersync ` +
      `${peakRss.usersync} MiB${options.pooler ? ` (through PgBouncer ${peakRss.pooler} MiB)` : ''}.`,
    '',
    `Responses: Clerk-docs ${statusTotals('clerk-docs')}; lean ${statusTotals('lean')}; usersync ` +
      `${statusTotals('usersync')}. Stored afterwards: Clerk-docs and lean ${baselineRows} users; usersync ` +
      `${stored?.users} users, ${stored?.events} webhook_events (${stored?.applied} applied).`,
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
      ['tables', 'c', 'receiver', 'deliveries/s', 'p50 ms', 'p99 ms', 'API ms', 'PG ms', 'gen ms', 'busy'],
      rounds.map((r) => [
        r.tables,
        r.concurrency,
        r.receiver,
        r.load.perSecond,
        r.load.latencyMs.p50,
        r.load.latencyMs.p99,
        r.load.cpu?.apiMs ?? '-',
        r.load.cpu?.postgresMs ?? '-',
        r.load.cpu?.generatorMs ?? '-',
        r.load.cpu ? pct(r.load.cpu.machineBusyShare) : '-',
      ]),
    ),
  ];
  return {
    name: 'webhook-ingest',
    title: 'Webhook ingest: usersync against a Clerk-docs and a lean receiver (durable PostgreSQL)',
    machine: ctx.machine,
    markdown: lines.join('\n'),
    data: {
      options,
      loadAverage,
      summary,
      filledSummary,
      fillSeconds,
      peakRss,
      layers,
      rounds,
      stored,
      baselineRows,
    },
  };
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

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

/**
 * Stores `count` users (with their settings rows) and as many recorded deliveries, one
 * `INSERT … SELECT generate_series` per table, then VACUUM ANALYZE: what a database a year into
 * production holds. The payload is a small `user.created` envelope (the real ones are ≈ 1.3 KB; the
 * size of old rows does not change what a new one costs, their number in each index does).
 */
async function fillUsersync(url: string, count: number): Promise<void> {
  await query(
    url,
    `INSERT INTO users (clerk_id, email, email_verified, first_name, last_name, role, clerk_created_at,
       clerk_updated_at, created_at)
     SELECT 'user_fill' || g, 'fill' || g || '@example.com', true, 'Fill', 'User ' || g, 'member',
       now() - interval '30 days', now() - interval '30 days', now() - interval '30 days' + g * interval '1 ms'
     FROM generate_series(1, $1::integer) g`,
    [count],
  );
  await query(
    url,
    `INSERT INTO webhook_events (svix_id, source, type, clerk_user_id, payload, status, processed_at, created_at)
     SELECT 'msg_fill' || g, 'clerk', 'user.created', 'user_fill' || g,
       jsonb_build_object('type', 'user.created', 'object', 'event', 'data', jsonb_build_object('id', 'user_fill' || g)),
       'applied', now() - interval '30 days', now() - interval '30 days' + g * interval '1 ms'
     FROM generate_series(1, $1::integer) g`,
    [count],
  );
  await query(url, 'VACUUM ANALYZE users, user_settings, webhook_events');
}

async function fillBaseline(url: string, count: number): Promise<void> {
  await query(
    url,
    `INSERT INTO users (clerk_id, email, first_name, last_name)
     SELECT 'user_fill' || g, 'fill' || g || '@example.com', 'Fill', 'User ' || g FROM generate_series(1, $1::integer) g`,
    [count],
  );
  await query(url, 'VACUUM ANALYZE users');
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

async function startBaseline(
  name: 'clerk-docs' | 'lean',
  file: string,
  databaseUrl: string,
  secret: string,
): Promise<Receiver> {
  const port = await freePort();
  const logFile = join(scratchDir(), `bench-webhook-${name}.log`);
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [file, JSON.stringify({ port, databaseUrl })], {
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
      throw new Error(`${name} receiver did not start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
  return {
    name,
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
