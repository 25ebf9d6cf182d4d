import { isDatabaseUnavailableError } from '@usersync/core/internal';
import type { FastifyError, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../lib/api-error.ts';

/**
 * The one error handler. Clients get `{ error, code? }`: our own messages for ApiError and 4xx, a
 * fixed message for any 5xx (details stay in the log, with the request id).
 */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
      if (error instanceof ApiError) {
        if (error.statusCode >= 500) request.log.warn({ code: error.code }, error.message);
        return reply
          .code(error.statusCode)
          .headers(error.headers)
          .send({ error: error.message, ...(error.code && { code: error.code }) });
      }
      const fastifyError = error as FastifyError;
      if (fastifyError.validation) {
        return reply.code(400).send({ error: describeValidation(fastifyError), code: 'invalid_request' });
      }
      // Checked before the database: a client that drops mid-upload raises ECONNRESET/"aborted" from the
      // request stream, which is the client's doing, not a database outage (the route is public).
      if (isRequestStreamError(error, request)) {
        request.log.info({ code: (error as { code?: unknown }).code }, 'request aborted by the client');
        return reply
          .code(400)
          .send({ error: 'The request body was not received completely', code: 'request_aborted' });
      }
      if (isDatabaseUnavailableError(error)) {
        request.log.error({ err: error }, 'database unavailable');
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'The database is unavailable; try again shortly', code: 'database_unavailable' });
      }
      const status = fastifyError.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return reply
          .code(status)
          .send({ error: error.message, ...(fastifyError.code && { code: fastifyError.code }) });
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send({ error: 'Internal server error', code: 'internal_error' });
    });
  },
  { name: 'error-handler', fastify: '5.x' },
);

function describeValidation(error: FastifyError): string {
  // An unknown field says more than a missing one: `{ "email": ... }` is someone trying a Clerk field.
  const unknown = error.validation?.find((issue) => issue.keyword === 'additionalProperties');
  const extra = (unknown?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (extra) {
    return `Unknown field "${extra}": only app-owned fields can be changed here`;
  }
  return `Invalid request: ${error.message}`;
}

/** An error from reading the request itself: the body had not fully arrived when the stream failed. */
function isRequestStreamError(error: Error, request: FastifyRequest): boolean {
  if (request.raw.complete) return false;
  const code = (error as { code?: unknown }).code;
  return (
    request.raw.destroyed ||
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    error.message === 'aborted'
  );
}
