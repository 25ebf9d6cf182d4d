// What each layer of the webhook request path costs per delivery, measured in this process on the same
// kind of body the load generator sends: so a change to the request path can be judged layer by layer.
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  clerkWebhookEnvelopeSchema,
  mapClerkUser,
  sampleClerkEvent,
  sampleClerkUser,
  svixVerifier,
} from '@usersync/core/internal';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import pino from 'pino';
import { Webhook } from 'svix';
import { round } from '../stats.ts';

export interface LayerCost {
  layer: string;
  /** Microseconds of CPU per delivery (median of 5 runs). */
  microseconds: number;
}

function timeEach(iterations: number, work: (i: number) => unknown): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) work(i);
    runs.push(((performance.now() - started) * 1000) / iterations);
  }
  return round(runs.sort((a, b) => a - b)[2]!, 1);
}

export async function measureLayerCosts(iterations = 3_000): Promise<LayerCost[]> {
  const secret = testWebhookSecret();
  const body = JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser({ createdAt: Date.now() })));
  const headers = signSvixDelivery(secret, body);
  const bytes = Buffer.from(body);
  const webhook = new Webhook(secret);
  const verify = svixVerifier(secret);
  const signature = {
    id: headers['svix-id'],
    timestamp: headers['svix-timestamp'],
    signature: headers['svix-signature'],
  };
  const json = JSON.parse(body) as { data: unknown };
  const fields = mapClerkUser(json.data);
  const devNull = await open('/dev/null', 'w');
  // As the API logs: JSON lines, synchronous writes to a file descriptor.
  const log = pino({ level: 'info' }, pino.destination({ fd: devNull.fd, sync: true }));
  try {
    return [
      {
        layer: 'raw body (Buffer → string)',
        microseconds: timeEach(iterations, () => bytes.toString('utf8')),
      },
      {
        layer: 'Svix signature, node:crypto (the API now: svixVerifier)',
        microseconds: timeEach(iterations, () => verify(bytes, signature)),
      },
      {
        layer: 'Svix signature, svix Webhook.verify (the API before; pure-JS SHA-256)',
        microseconds: timeEach(iterations, () => webhook.verify(body, headers)),
      },
      { layer: 'JSON.parse', microseconds: timeEach(iterations, () => JSON.parse(body)) },
      {
        layer: 'validation + mapping (zod envelope, mapClerkUser)',
        microseconds: timeEach(iterations, () => {
          clerkWebhookEnvelopeSchema.safeParse(json);
          mapClerkUser(json.data);
        }),
      },
      {
        layer: 'statement parameter (JSON.stringify of payload + fields)',
        microseconds: timeEach(iterations, () => JSON.stringify([{ payload: json, data: fields }])),
      },
      {
        layer: 'one log line (pino, sync write to a file)',
        microseconds: timeEach(iterations, (i) =>
          log.info(
            { svixId: headers['svix-id'], type: 'user.created', outcome: 'applied', i },
            'clerk webhook delivery',
          ),
        ),
      },
      {
        layer: 'response body ({"status":"applied"})',
        microseconds: timeEach(iterations, () => JSON.stringify({ status: 'applied' })),
      },
    ];
  } finally {
    await devNull.close();
  }
}
