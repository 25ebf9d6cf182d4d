// Webhook ingest: the production API build on PostgreSQL, driven by a separate load-generator process
// at several concurrencies, against the ceiling of pgbench running the same SQL (docs/decisions/040-042).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testClerkKeys } from '@usersync/testing/clerk';
import { type ApiProcess, startApiProcess } from '@usersync/testing/processes';
import { testWebhookSecret } from '@usersync/testing/svix';
import { type BenchContext, runNodeProcess } from '../bench-context.ts';
import { type ProfileSummary, summarizeCpuProfile } from '../cpu-profile-summary.ts';
import { startCpuWindow } from '../cpu-usage.ts';
import { createMigratedDatabase, query } from '../databases.ts';
import type { LoadConfig, LoadResult } from '../load-generator/load-worker.ts';
import { RESULTS_DIR, scratchDir } from '../paths.ts';
import type { BenchResult } from '../results.ts';
import { markdownTable, round } from '../stats.ts';
import { captureDeliverySql, type PgbenchResult, pgbenchScript, runPgbench } from './ceiling.ts';

const LOAD_WORKER = fileURLToPath(new URL('../load-generator/load-worker.ts', import.meta.url));
const LEVELS = [1, 4, 16, 64] as const;
const TARGET_RATIO = 0.6;

interface LevelResult {
  concurrency: number;
  api: LoadResult;
  apiRssMiB: number;
  ceiling: PgbenchResult & { postgresCpuMsPerTx: number; otherCpuMsPerTx: number; machineBusyShare: number };
  ratio: number;
}

export async function benchWebhookIngest(ctx: BenchContext): Promise<BenchResult> {
  const amounts: Record<number, number> = ctx.quick
    ? { 1: 300, 4: 600, 16: 1000, 64: 1000 }
    : { 1: 2000, 4: 4000, 16: 6000, 64: 6000 };
  const pgbenchSeconds = ctx.quick ? 3 : 8;
  const secret = testWebhookSecret();
  const keys = testClerkKeys();

  // The SQL one delivery executes, captured from core on a scratch database.
  const captureUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_capture');
  const statements = await captureDeliverySql(captureUrl);
  const script = pgbenchScript(statements);
  writeFileSync(join(RESULTS_DIR, 'webhook-ingest.pgbench.sql'), script);

  const databaseUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_ingest');
  const ceilingUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_ceiling');
  const apiEnv = {
    DATABASE_URL: databaseUrl,
    CLERK_WEBHOOK_SIGNING_SECRET: secret,
    CLERK_SECRET_KEY: keys.secretKey,
    CLERK_PUBLISHABLE_KEY: keys.publishableKey,
    WEB_ORIGIN: 'http://127.0.0.1:5173',
    // The production default: one JSON log line per delivery, here into a file.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  };
  const runLevel = (api: ApiProcess, connections: number, amount: number, tag: string) =>
    runNodeProcess<LoadResult>(
      LOAD_WORKER,
      {
        url: api.url,
        secret,
        connections,
        amount,
        maxSeconds: 60,
        runId: `${tag}c${connections}x`,
        updateShare: 0.2,
        warmup: Math.max(200, connections * 10),
        apiPid: api.pid,
        postgresPort: ctx.postgres.port,
      } satisfies LoadConfig & { warmup: number },
      120_000,
    );

  const levels: LevelResult[] = [];
  const api = await startApiProcess({ name: 'bench-webhook-ingest', env: apiEnv, logDir: scratchDir() });
  try {
    for (const concurrency of LEVELS) {
      const load = await runLevel(api, concurrency, amounts[concurrency] as number, 'l');
      const apiRssMiB = round(api.memory().peakRssKiB / 1024, 1);
      const window = startCpuWindow(null, ctx.postgres.port);
      const pgbench = await runPgbench({
        databaseUrl: ceilingUrl,
        script,
        clients: concurrency,
        seconds: pgbenchSeconds,
      });
      const used = window.end();
      const ceiling = {
        ...pgbench,
        postgresCpuMsPerTx: round(used.postgresMs / Math.max(1, pgbench.transactions), 3),
        // pgbench itself plus everything else on the machine.
        otherCpuMsPerTx: round((used.machineBusyMs - used.postgresMs) / Math.max(1, pgbench.transactions), 3),
        machineBusyShare: used.machineBusyShare,
      };
      const ratio = round(load.perSecond / ceiling.tps, 2);
      levels.push({ concurrency, api: load, apiRssMiB, ceiling, ratio });
      console.log(
        `  c=${concurrency}: ${load.perSecond}/s p50 ${load.latencyMs.p50} ms p95 ${load.latencyMs.p95} ms ` +
          `p99 ${load.latencyMs.p99} ms, ceiling ${ceiling.tps}/s, ratio ${ratio}`,
      );
    }
  } finally {
    await api.stop();
  }
  const stored = await query<{ users: string; events: string; applied: string }>(
    databaseUrl,
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM webhook_events) AS events,
            (SELECT count(*) FROM webhook_events WHERE status = 'applied') AS applied`,
  );

  // Below target at c=16: run that level again on a profiled API and say where its CPU time goes.
  const at16 = levels.find((l) => l.concurrency === 16);
  let profile: ProfileSummary | null = null;
  if (at16 && at16.ratio < TARGET_RATIO) {
    const dir = join(scratchDir(), 'cpu-profile');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const profiled = await startApiProcess({
      logDir: scratchDir(),
      name: 'bench-webhook-ingest-profiled',
      env: apiEnv,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    try {
      await runLevel(profiled, 16, amounts[16] as number, 'p');
    } finally {
      await profiled.stop();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file) profile = summarizeCpuProfile(join(dir, file), 12);
  }

  const rows = levels.map((l) => [
    l.concurrency,
    l.api.perSecond,
    l.api.latencyMs.p50,
    l.api.latencyMs.p95,
    l.api.latencyMs.p99,
    l.apiRssMiB,
    l.ceiling.tps,
    `${Math.round(l.ratio * 100)}%`,
  ]);
  const table = markdownTable(
    [
      'concurrency',
      'deliveries/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'API peak RSS MiB',
      'ceiling (pgbench tx/s)',
      'API / ceiling',
    ],
    rows,
  );
  const outcomeTotals = levels.reduce<Record<string, number>>((acc, l) => {
    for (const [k, v] of Object.entries(l.api.statusCodes)) acc[`HTTP ${k}`] = (acc[`HTTP ${k}`] ?? 0) + v;
    return acc;
  }, {});
  const lines = [
    'Signed `user.created` (80%) and `user.updated` (20%) deliveries, each with its own svix-id, sent by a',
    'separate load-generator process (autocannon, one request in flight per connection) to',
    '`node apps/api/dist/server.js` (NODE_ENV=production, LOG_LEVEL=info into a file, default pool of 10',
    'connections). Latency is measured at the generator. The ceiling is pgbench running, on the same',
    `PostgreSQL, the ${statements.length} statements one new-user \`user.created\` delivery executes (captured from`,
    'core through a Kysely log hook; see `webhook-ingest.pgbench.sql`), one transaction per delivery, same',
    'number of clients.',
    '',
    table,
    '',
    'Where the CPU goes (ms of CPU per delivery, from /proc; 2 cores = 2 ms of CPU per ms of wall time):',
    '',
    markdownTable(
      [
        'concurrency',
        'API process',
        'PostgreSQL',
        'load generator',
        'rest of machine',
        'machine busy',
        'ceiling: PostgreSQL per tx',
        'ceiling: pgbench + rest',
        'ceiling: machine busy',
      ],
      levels.map((l) => [
        l.concurrency,
        l.api.cpu?.apiMs ?? '-',
        l.api.cpu?.postgresMs ?? '-',
        l.api.cpu?.generatorMs ?? '-',
        l.api.cpu?.otherMs ?? '-',
        l.api.cpu ? `${Math.round(l.api.cpu.machineBusyShare * 100)}%` : '-',
        l.ceiling.postgresCpuMsPerTx,
        l.ceiling.otherCpuMsPerTx,
        `${Math.round(l.ceiling.machineBusyShare * 100)}%`,
      ]),
    ),
    '',
    `Responses: ${Object.entries(outcomeTotals)
      .map(([k, v]) => `${v} × ${k}`)
      .join(', ')}; stored afterwards: ${stored[0]?.users} users, ${stored[0]?.events} webhook_events ` +
      `(${stored[0]?.applied} applied).`,
  ];
  if (at16) {
    lines.push(
      '',
      `At concurrency 16 the API reaches **${Math.round(at16.ratio * 100)}%** of the ceiling (target ${TARGET_RATIO * 100}%).`,
    );
    const cpu = at16.api.cpu;
    if (cpu) {
      // Both runs share the same cores: what one delivery costs in CPU bounds the ratio.
      const perDelivery = cpu.apiMs + cpu.postgresMs + cpu.generatorMs;
      const perTx = at16.ceiling.postgresCpuMsPerTx + at16.ceiling.otherCpuMsPerTx;
      lines.push(
        `One delivery costs ${round(perDelivery, 2)} ms of CPU (API ${cpu.apiMs}, PostgreSQL ${cpu.postgresMs}, ` +
          `generator ${cpu.generatorMs}); one ceiling transaction ${round(perTx, 2)} ms. On the same cores the ` +
          `API can therefore reach at most about ${Math.round((perTx / perDelivery) * 100)}% of the ceiling; ` +
          'the profile below says where the API process spends its share.',
      );
    }
  }
  if (profile) {
    lines.push(
      '',
      `CPU profile of the API at c=16 (node --cpu-prof, ${profile.idleShare}% of the main thread idle). Share of busy time:`,
      '',
      markdownTable(
        ['by package', 'share'],
        profile.byPackage.map((p) => [p.name, `${p.share}%`]),
      ),
      '',
      markdownTable(
        ['top functions (self time)', 'share'],
        profile.topFunctions.map((p) => [`\`${p.name}\``, `${p.share}%`]),
      ),
    );
  }
  return {
    name: 'webhook-ingest',
    title: 'Webhook ingest',
    machine: ctx.machine,
    markdown: lines.join('\n'),
    data: { levels, statements, stored: stored[0], profile },
  };
}
