import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import pino from 'pino';

/**
 * Secrets, tokens and signatures never reach the log. The request serializer below logs no headers
 * at all; these paths are the second line of defence for anything that logs a request or headers.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["svix-signature"]',
  'headers.authorization',
  'headers.cookie',
  'headers["svix-signature"]',
  'request.headers.authorization',
  'request.headers.cookie',
  'request.headers["svix-signature"]',
  'res.headers["set-cookie"]',
];

export interface LoggerSettings {
  level: string;
  /** Human-readable output (development only; needs the pino-pretty dev dependency). */
  pretty?: boolean;
  /** Where log lines go (tests capture them); default stdout. */
  stream?: { write(line: string): void };
}

/** No logged string field is longer than this: a hostile value must not become a megabyte of log. */
export const MAX_LOGGED_STRING = 1024;

function capLoggedStrings(object: Record<string, unknown>): Record<string, unknown> {
  let capped: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string' && value.length > MAX_LOGGED_STRING) {
      capped ??= { ...object };
      capped[key] = `${value.slice(0, MAX_LOGGED_STRING)}… (${value.length} characters)`;
    }
  }
  return capped ?? object;
}

export function loggerOptions(settings: LoggerSettings): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: settings.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: capLoggedStrings },
    serializers: {
      // Never headers; and query strings can carry Clerk handshake tokens: the path only.
      req(request: { method?: unknown; url?: unknown; ip?: unknown }) {
        return {
          method: typeof request.method === 'string' ? request.method : undefined,
          path: typeof request.url === 'string' ? request.url.split('?')[0] : undefined,
          ip: typeof request.ip === 'string' ? request.ip : undefined,
        };
      },
    },
    // Synchronous writes to stdout. pino's default destination writes asynchronously through libuv's
    // thread pool: at low load every line cost a worker thread's wake-up and an extra event-loop turn
    // to learn it was written (docs/decisions/161).
    ...(settings.stream
      ? { stream: settings.stream }
      : !settings.pretty && { stream: pino.destination({ dest: 1, sync: true }) }),
    ...(settings.pretty &&
      !settings.stream && {
        transport: {
          target: 'pino-pretty',
          // One line per entry: a webhook delivery is two lines in the terminal, not a screenful.
          options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
        },
      }),
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Keeps a well-formed `x-request-id` from a proxy in front of us, else makes one. */
export function requestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
