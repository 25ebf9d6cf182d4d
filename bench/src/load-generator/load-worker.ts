// The load generator for the webhook ingest benchmark, run as its own process so that it does not
// share an event loop with the driver that watches the API: `node load-worker.ts '<json config>'`.
// Prints one JSON line (the result) to stdout.
import { performance } from 'node:perf_hooks';
import { clerkId, sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import { signSvixDelivery } from '@usersync/testing/svix';
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
  /** The first few non-2xx answers, to tell what went wrong. */
  errorSamples: string[];
}

/** One prepared request; each is sent once. */
export interface PreparedRequest {
  method?: 'GET' | 'POST' | 'PATCH';
  path?: string;
  headers: Record<string, string>;
  body?: string;
}
type Delivery = PreparedRequest;

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
  return runPreparedLoad(config, deliveries);
}

/** Sends each prepared request once over `connections` keep-alive connections (one in flight each). */
export async function runPreparedLoad(
  config: Pick<LoadConfig, 'url' | 'connections' | 'maxSeconds' | 'apiPid' | 'postgresPort'>,
  deliveries: readonly PreparedRequest[],
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const errorSamples: string[] = [];
  let next = 0;
  let errors = 0;
  let timeouts = 0;
  const cpuWindow =
    config.apiPid === undefined ? null : startCpuWindow(config.apiPid, config.postgresPort ?? 0);
  const ownCpu = process.cpuUsage();
  const started = performance.now();
  let lastResponseAt = started;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const instance = autocannon(
    {
      url: `${config.url}${deliveries[0]?.path ?? '/api/webhooks/clerk'}`,
      connections: Math.min(config.connections, deliveries.length),
      amount: deliveries.length,
      timeout: 15,
      requests: [
        {
          method: 'POST',
          path: '/api/webhooks/clerk',
          // Called for every request: each takes the next prepared one (a unique svix-id or session).
          setupRequest: (request) => {
            const delivery = deliveries[next++ % deliveries.length] as Delivery;
            return {
              ...request,
              method: delivery.method ?? 'POST',
              path: delivery.path ?? '/api/webhooks/clerk',
              headers: delivery.headers,
              ...(delivery.body === undefined ? {} : { body: delivery.body }),
            };
          },
          onResponse: (status, body) => {
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            if (status >= 300 && errorSamples.length < 3)
              errorSamples.push(`${status} ${body.slice(0, 200)}`);
            const outcome = /^\{"status":"([a-z]+)"/.exec(body)?.[1] ?? 'none';
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          },
        },
      ],
      setupClient: (client) => {
        client.on('response', (_status: number, _bytes: number, ms: number) => {
          latencies.push(ms);
          lastResponseAt = performance.now();
        });
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
  // Up to the last answer: autocannon notices it is done only on its next 1-second tick.
  const seconds = (lastResponseAt - started) / 1000;
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
    errorSamples,
  };
}

if (import.meta.main && process.argv[2]?.startsWith('@')) {
  // `@file.json`: { config, requests } prepared by the caller (sync fallback benchmark).
  const { readFileSync } = await import('node:fs');
  const { config, requests } = JSON.parse(readFileSync(process.argv[2].slice(1), 'utf8')) as {
    config: LoadConfig;
    requests: PreparedRequest[];
  };
  const result = await runPreparedLoad(config, requests);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else if (import.meta.main) {
  const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig & { warmup?: number };
  if (config.warmup) {
    const { apiPid: _, ...warmup } = config;
    await runLoad({ ...warmup, amount: config.warmup, runId: `${config.runId}w` });
  }
  const result = await runLoad(config);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
