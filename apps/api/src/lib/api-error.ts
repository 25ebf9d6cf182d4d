import { ErrorResponseSchema } from '@usersync/core/http-contract';

/**
 * An error we answer with as-is: our own message, a status, optional machine code and headers.
 * The error handler shows these messages to clients; any other error's message stays in the log.
 */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    message: string,
    options: { code?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = options.code;
    this.headers = options.headers ?? {};
  }
}

/** 503 with Retry-After: a dependency (database, Clerk) is down or rate-limiting us; try again. */
export function serviceUnavailable(
  message: string,
  retryAfterSeconds: number,
  code = 'service_unavailable',
): ApiError {
  return new ApiError(503, message, { code, headers: { 'retry-after': String(retryAfterSeconds) } });
}

/** 503 for a route whose configuration is missing (development only; production refuses to start). */
export function notConfigured(what: string, variables: string[]): ApiError {
  return new ApiError(503, `${what} is not configured: set ${variables.join(', ')}`, {
    code: 'not_configured',
  });
}

/** 429 with Retry-After, from the per-caller rate limit. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, `Too many requests; retry in ${seconds} s`, {
    code: 'rate_limited',
    headers: { 'retry-after': String(seconds) },
  });
}

/** Response schemas for the error statuses a route can answer with: each is the contract's error body. */
export function errorResponses<const Code extends number>(...codes: Code[]) {
  return Object.fromEntries(codes.map((code) => [code, ErrorResponseSchema])) as Record<
    Code,
    typeof ErrorResponseSchema
  >;
}
