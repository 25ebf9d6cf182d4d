import { redactExpiredPayloads } from '@usersync/core/internal';
import fp from 'fastify-plugin';

export interface PayloadRetentionOptions {
  /** WEBHOOK_PAYLOAD_RETENTION_DAYS */
  retentionDays: number;
  /** How often the redaction runs (default hourly); the first run is one interval after start. */
  everyMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    payloadRetention: {
      /** Redacts the payloads of settled deliveries past the retention now; returns how many. */
      run(): Promise<number>;
    };
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The API's scheduled privacy work (docs/privacy.md): every hour, the payloads of settled deliveries older
 * than WEBHOOK_PAYLOAD_RETENTION_DAYS are cut down to ids. Every replica runs it; the update is
 * idempotent (a redacted payload is not selected again), so no lock is needed. `usersync webhook prune`
 * does the same on demand.
 */
export default fp<PayloadRetentionOptions>(
  async (fastify, options) => {
    const { db, log } = fastify;
    let running: Promise<number> | null = null;

    function run(): Promise<number> {
      running ??= redactExpiredPayloads(db, {
        before: new Date(Date.now() - options.retentionDays * DAY_MS),
      }).finally(() => {
        running = null;
      });
      return running;
    }

    const timer = setInterval(() => {
      run().then(
        (redacted) => {
          if (redacted > 0) log.info({ redacted }, 'payload retention: redacted settled deliveries');
        },
        (error: unknown) => log.error({ err: error }, 'payload retention failed; the next run tries again'),
      );
    }, options.everyMs ?? HOUR_MS);
    timer.unref();

    fastify.decorate('payloadRetention', { run });
    fastify.addHook('onClose', async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    });
  },
  { name: 'payload-retention', fastify: '5.x', dependencies: ['database'] },
);
