import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '@usersync/api/node-flags';
import { startThrowawayPostgres } from '@usersync/testing/database';
import { testWebhookSecret } from '@usersync/testing/svix';
import { startApi } from '../../faults/support.ts';
import { runNodeProcess } from '../bench-context.ts';
import { processCpuMs } from '../cpu-usage.ts';
import { summarizeCpuProfile } from '../cpu-profile-summary.ts';
import { createMigratedDatabase } from '../databases.ts';
import type { LoadResult } from '../load-generator/load-worker.ts';
import { scratchDir } from '../paths.ts';

const LOAD_WORKER = fileURLToPath(new URL('../load-generator/load-worker.ts', import.meta.url));
const c = Number(process.argv[2] ?? 1);
const prof = process.argv[3] === 'prof';
const extra = (process.argv[4] ?? '').split(' ').filter(Boolean);
const dir = join(scratchDir(), 'prof');
rmSync(dir, { recursive: true, force: true });
(await import('node:fs')).mkdirSync(dir, { recursive: true });
const secret = testWebhookSecret();
const pgs = await startThrowawayPostgres({ durable: true });
try {
  const url = await createMigratedDatabase(pgs.url, 'prof');
  const api = await startApi(url, 'prof', {
    secret,
    nodeArgs: [...API_NODE_FLAGS, ...extra, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])],
    env: { LOG_LEVEL: process.env.LL ?? 'info' },
  });
  const idle0 = processCpuMs(api.pid);
  await new Promise((r) => setTimeout(r, 3000));
  console.log('idle API CPU ms/s', (processCpuMs(api.pid) - idle0) / 3);
  const { spawn } = await import('node:child_process');
  for (let i = 0; i < 2; i++) {
    const st = i === 1 && process.env.PREC ? spawn('perf', ['record', '-F', '1999', '-p', String(api.pid), '-o', join(dir, 'perf.data')], { stdio: 'ignore' }) : i === 1 && process.env.PERF ? spawn('perf', ['stat', '-e', 'task-clock,context-switches,cpu-migrations,page-faults', '--per-thread', '-p', String(api.pid), '-o', join(dir, 'perf.txt')], { stdio: 'inherit' }) : i === 1 && process.env.STRACE ? spawn('strace', [...(process.env.STRACE === 'seq' ? ['-tt', '-e', 'trace=!futex'] : ['-c']), '-f', '-p', String(api.pid), '-o', join(dir, 'strace.txt')], { stdio: 'inherit' }) : null;
    if (st) await new Promise((r) => setTimeout(r, 500));
    const load = await runNodeProcess<LoadResult>(LOAD_WORKER, {
      url: api.url, secret, connections: c, amount: 8 * 7000, maxSeconds: 8, runId: `p${i}x`, updateShare: 0.2,
      warmup: 300, apiPid: api.pid, postgresPort: pgs.port,
    }, 120_000);
    if (st) { st.kill('SIGINT'); await new Promise((r) => st.once('exit', r)); }
    console.log(`c=${c} ${load.perSecond}/s p50 ${load.latencyMs.p50} p99 ${load.latencyMs.p99} API ${load.cpu?.apiMs} PG ${load.cpu?.postgresMs} gen ${load.cpu?.generatorMs} busy ${load.cpu?.machineBusyShare} ${JSON.stringify(load.statusCodes)}`);
  }
  await api.stop();
  if (prof) {
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file) console.log(JSON.stringify(summarizeCpuProfile(join(dir, file), 40), null, 1));
  }
} finally {
  pgs.destroy();
}
