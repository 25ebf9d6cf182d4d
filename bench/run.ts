// `pnpm bench`: builds what it measures, starts a throwaway PostgreSQL, runs every benchmark (or the
// ones named: `pnpm bench webhook-ingest reconcile`) and writes bench/results/. Figures never fail the
// run; a benchmark that crashes does (exit 1), after the others have run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startThrowawayPostgres } from '@usersync/testing/database';
import type { BenchContext } from './src/bench-context.ts';
import { describeMachine, machineMarkdown } from './src/machine.ts';
import { REPO_ROOT } from './src/paths.ts';
import { benchReconcile } from './src/reconcile/reconcile.bench.ts';
import { BENCHMARKS, type BenchResult, writeResult } from './src/results.ts';
import { benchSyncFallback } from './src/sync-fallback/sync-fallback.bench.ts';
import { benchWeb } from './src/web/web.bench.ts';
import { benchWebhookIngest, INGEST_VALUE_OPTIONS } from './src/webhook-ingest/webhook-ingest.bench.ts';

type BenchmarkName = (typeof BENCHMARKS)[number];

const benchmarks: Record<
  BenchmarkName,
  { needs: string[]; run: (ctx: BenchContext) => Promise<BenchResult> }
> = {
  'webhook-ingest': { needs: ['apps/api'], run: benchWebhookIngest },
  reconcile: { needs: ['packages/core/src/reconcile', 'apps/cli'], run: benchReconcile },
  'sync-fallback': { needs: ['apps/api'], run: benchSyncFallback },
  web: { needs: ['apps/web', 'apps/api'], run: benchWeb },
};

// Options are flags (--pooler) or take a value, `--name=value` or `--name value` (INGEST_VALUE_OPTIONS).
const args = process.argv.slice(2);
const takesValue = (arg: string | undefined) =>
  (INGEST_VALUE_OPTIONS as readonly string[]).some((name) => arg === `--${name}`);
const requested = args.filter((a, i) => !a.startsWith('-') && !takesValue(args[i - 1]));
const unknown = requested.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const selected = (requested.length > 0 ? requested : [...BENCHMARKS]) as BenchmarkName[];
// USERSYNC_API_ENTRY points at an API build elsewhere (trying the harness before apps/api exists here).
const present = (path: string) =>
  existsSync(join(REPO_ROOT, path)) || (path === 'apps/api' && !!process.env.USERSYNC_API_ENTRY);
const runnable = selected.filter((name) => benchmarks[name].needs.every(present));
for (const name of selected.filter((n) => !runnable.includes(n))) {
  console.log(`skipping ${name}: needs ${benchmarks[name].needs.join(', ')}, not in this checkout`);
}

// What the benchmarks run is the production build: build it (turbo caches an unchanged build).
const builds = ['apps/api', 'apps/web'].filter((path) => existsSync(join(REPO_ROOT, path, 'package.json')));
if (builds.length > 0) {
  console.log(`building ${builds.join(', ')} (production)…`);
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...builds.map((b) => `--filter=./${b}`)],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
}

const machine = describeMachine();
console.log(`\n${machineMarkdown(machine)}\n`);
const postgres = await startThrowawayPostgres();
const ctx: BenchContext = { postgres, machine, quick: process.env.BENCH_QUICK === '1' };
let crashed = 0;
try {
  for (const name of runnable) {
    const started = Date.now();
    console.log(`== ${name}`);
    try {
      const result = await benchmarks[name].run(ctx);
      writeResult(result);
      console.log(`\n${result.markdown}\n`);
      console.log(`(${name}: ${Math.round((Date.now() - started) / 1000)} s, bench/results/${name}.json)\n`);
    } catch (error) {
      crashed += 1;
      console.error(`${name} failed:`, error);
    }
  }
} finally {
  postgres.destroy();
}
process.exit(crashed > 0 ? 1 : 0);
