// The load generator for the webhook ingest benchmark, run as its own process so that it does not
// share an event loop with the driver that watches the API: `node load-worker.ts '<json config>'`.
// Prints one JSON line (the result) to stdout.
import { performance } from 'node:perf_hooks';
import { clerkId, sampleClerkEvent, sampleClerkUser } from '@usersync/core/clerk';
import { signSvixDelivery } from '@usersync/testing';
import autocannon from 'autocannon';
import { startCpuWindow } from '../cpu-usage.ts';
import { summarizeLatencies } from '../stats.ts';

export interface LoadConfig {
  url: string;
  secret: string;
  connections: number;
  /** Deliveries to send (the bound on count). */
  amount: number;
  /** Stop after this long whatever is left (the bound on time). */
  maxSeconds: number;
  /** Unique per run, so user ids never repeat across runs on one database. */
  runId: string;
  /** Share of deliveries that are user.updated for a user created earlier in the run (0..1). */
  updateShare: number;
  /** The API's process id, to account its CPU time over the measured run only. */
  apiPid?: number;
  postgresPort?: number;
}

export interface CpuPerDelivery {
  /** CPU ms per completed delivery: the API process, all PostgreSQL processes, this generator. */
  apiMs: number;
  postgresMs: number;
  generatorMs: number;
  /** Busy share of all cores over the run (1 = every core busy all the time). */
  machineBusyShare: number;
  /** CPU ms per delivery used by everything else on the machine (other work skews the figures). */
  otherMs: number;
}

export interface LoadResult {
  sent: number;
  completed: number;
  seconds: number;
  perSecond: number;
  latencyMs: ReturnType<typeof summarizeLatencies>;
  statusCodes: Record<string, number>;
  outcomes: Record<string, number>;
  errors: number;
  timeouts: number;
  cpu: CpuPerDelivery | null;
}

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** Signed deliveries, built before the clock starts: the generator spends its time sending. */
export function buildDeliveries(config: LoadConfig): Delivery[] {
  const deliveries: Delivery[] = [];
  const created: Array<{ id: string; createdAt: number }> = [];
  const base = Date.now() - 60_000;
  let updates = 0;
  for (let i = 0; i < config.amount; i++) {
    // Updates target a user created at least 64 deliveries earlier, so that it is usually stored already.
    const isUpdate = created.length > 128 && updates < config.updateShare * (i + 1);
    let event: Record<string, unknown>;
    if (isUpdate) {
      updates += 1;
      const target = created[Math.floor(Math.random() * (created.length - 64))] as (typeof created)[number];
      const user = sampleClerkUser({
        id: target.id,
        createdAt: target.createdAt,
        updatedAt: target.createdAt + 1_000 + i,
        firstName: `Updated ${i}`,
      });
      event = sampleClerkEvent('user.updated', user);
    } else {
      const id = `user_${config.runId}${String(i).padStart(7, '0')}`;
      const createdAt = base + i;
      created.push({ id, createdAt });
      event = sampleClerkEvent('user.created', sampleClerkUser({ id, createdAt }));
    }
    const body = JSON.stringify(event);
    const svix = signSvixDelivery(config.secret, body, { svixId: clerkId('msg') });
    deliveries.push({ headers: { 'content-type': 'application/json', ...svix }, body });
  }
  return deliveries;
}

export async function runLoad(config: LoadConfig, deliveries = buildDeliveries(config)): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  let next = 0;
  let errors = 0;
  let timeouts = 0;
  const cpuWindow =
    config.apiPid === undefined ? null : startCpuWindow(config.apiPid, config.postgresPort ?? 0);
  const ownCpu = process.cpuUsage();
  const started = performance.now();
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const instance = autocannon(
    {
      url: `${config.url}/api/webhooks/clerk`,
      connections: config.connections,
      amount: deliveries.length,
      timeout: 15,
      requests: [
        {
          method: 'POST',
          path: '/api/webhooks/clerk',
          // Called for every request: each takes the next pre-signed delivery (a unique svix-id).
          setupRequest: (request) => {
            const delivery = deliveries[next++ % deliveries.length] as Delivery;
            return { ...request, method: 'POST', headers: delivery.headers, body: delivery.body };
          },
          onResponse: (status, body) => {
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            const outcome = /"status":"([a-z]+)"/.exec(body)?.[1] ?? 'none';
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          },
        },
      ],
      setupClient: (client) => {
        client.on('response', (_status: number, _bytes: number, ms: number) => latencies.push(ms));
      },
    },
    () => finished(),
  );
  instance.on('reqError', () => {
    errors += 1;
  });
  instance.on('timeout' as 'reqError', () => {
    timeouts += 1;
  });
  const stopTimer = setTimeout(() => instance.stop(), config.maxSeconds * 1000);
  await done;
  clearTimeout(stopTimer);
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownCpu);
  const window = cpuWindow?.end();
  const per = (ms: number) => Math.round((ms / Math.max(1, latencies.length)) * 1000) / 1000;
  const cpu: CpuPerDelivery | null = window
    ? {
        apiMs: per(window.apiMs),
        postgresMs: per(window.postgresMs),
        generatorMs: per((own.user + own.system) / 1000),
        machineBusyShare: window.machineBusyShare,
        otherMs: per(
          window.machineBusyMs - window.apiMs - window.postgresMs - (own.user + own.system) / 1000,
        ),
      }
    : null;
  return {
    sent: Math.min(next, deliveries.length),
    completed: latencies.length,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(latencies.length / seconds),
    latencyMs: summarizeLatencies(latencies),
    statusCodes,
    outcomes,
    errors,
    timeouts,
    cpu,
  };
}

if (import.meta.main) {
  const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig & { warmup?: number };
  if (config.warmup) {
    const { apiPid: _, ...warmup } = config;
    await runLoad({ ...warmup, amount: config.warmup, runId: `${config.runId}w` });
  }
  const result = await runLoad(config);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
