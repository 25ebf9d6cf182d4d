import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineDescription {
  cores: number;
  memoryGiB: number;
  cpuModel: string;
  kernel: string;
  node: string;
  postgres: string;
  date: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage: number;
}

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** What the figures were measured on: they mean little without it. */
export function describeMachine(): MachineDescription {
  const cpuinfo = safe(() => readFileSync('/proc/cpuinfo', 'utf8'), '');
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  return {
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    cpuModel,
    kernel: release(),
    node: process.version,
    postgres: safe(() => execFileSync(join(PG_BIN, 'postgres'), ['--version']).toString().trim(), 'unknown'),
    date: new Date().toISOString(),
    loadAverage: Number(safe(() => readFileSync('/proc/loadavg', 'utf8').split(' ')[0], 'NaN')),
  };
}

export function machineMarkdown(m: MachineDescription): string {
  return [
    `- machine: ${m.cores} cores (\`nproc\`), ${m.memoryGiB} GiB memory, CPU "${m.cpuModel}", Linux ${m.kernel}`,
    `- Node ${m.node}; ${m.postgres}`,
    `- measured ${m.date}; load average ${m.loadAverage} when the run started`,
  ].join('\n');
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
