import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MachineDescription, machineMarkdown } from './machine.ts';
import { RESULTS_DIR } from './paths.ts';

export interface BenchResult {
  name: string;
  title: string;
  machine: MachineDescription;
  /** The section printed to stdout and into results/README.md. */
  markdown: string;
  /** Every figure, for tools. */
  data: unknown;
}

/** The order of sections in results/README.md. */
export const BENCHMARKS = ['webhook-ingest', 'reconcile', 'sync-fallback', 'web'] as const;

export function writeResult(result: BenchResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeResultsReadme();
}

/** Rebuilds results/README.md from the JSON files present (a single benchmark can be re-run alone). */
export function writeResultsReadme(): void {
  const results = BENCHMARKS.map((name) => join(RESULTS_DIR, `${name}.json`))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResult);
  const lines = [
    '# Benchmark results',
    '',
    'Written by `pnpm bench` (bench/run.ts); each section comes from the JSON file of the same name here.',
    'Benchmarks report figures; they never fail the build. Webhook ingest runs on its own durable PostgreSQL',
    '(default settings) beside the Clerk-docs and lean receivers in the same run; the others use a throwaway cluster with',
    '`fsync=off`, `synchronous_commit=off`, `full_page_writes=off` (no disk-flush cost): their absolute',
    'figures are higher than on a durable server.',
    '',
  ];
  for (const result of results) {
    lines.push(`## ${result.title}`, '', machineMarkdown(result.machine), '', result.markdown.trim(), '');
  }
  writeFileSync(join(RESULTS_DIR, 'README.md'), `${lines.join('\n').trim()}\n`);
}
