import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fault to answer with instead of the real response. */
export interface InjectedFault {
  status: number;
  /** Seconds, sent as `Retry-After` (Clerk sends it with 429). */
  retryAfter?: number;
  /** Wait this long before answering (a slow or hanging Clerk). */
  delayMs?: number;
}

export interface FakeClerkBackendApiOptions {
  secretKey: string;
  /** Decides per request whether to fail it; `undefined` answers normally. */
  fault?: (request: { method: string; path: string; count: number }) => InjectedFault | undefined;
  /** Delay for every successful answer, to model network latency. */
  latencyMs?: number;
}

export interface FakeClerkBackendApi {
  /** Base URL to give `createClerkClient({ apiUrl })` / CLERK_API_URL. */
  url: string;
  users: Map<string, Record<string, unknown>>;
  /** Keys `GET /v1/jwks` lists (e.g. a session signer's `publicJwk`); empty by default. */
  jwks: Record<string, unknown>[];
  /** Requests received, by `METHOD path` without query (e.g. `GET /v1/users/user_1`). */
  requests: string[];
  setFault(fault: FakeClerkBackendApiOptions['fault']): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server that answers the Clerk Backend API calls usersync makes, with Clerk's shapes:
 * `GET /v1/users/{id}`, `GET /v1/users?limit&offset`, `GET /v1/users/count`, `GET /v1/jwks`. Every
 * request is counted in `requests`, also those it does not serve (e.g. `POST /v1/api_keys/verify`, which
 * the API must never send). Errors use Clerk's
 * `{ errors: [...], clerk_trace_id }` body; 429s carry `Retry-After`.
 */
export async function startFakeClerkBackendApi(
  options: FakeClerkBackendApiOptions,
): Promise<FakeClerkBackendApi> {
  const users = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  const jwks: Record<string, unknown>[] = [];
  let fault = options.fault;
  let count = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => sendError(res, 500, 'internal_error', String(error)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    count += 1;
    const injected = fault?.({ method, path, count });
    if (injected) {
      if (injected.delayMs) await sleep(injected.delayMs);
      if (injected.retryAfter !== undefined) res.setHeader('Retry-After', String(injected.retryAfter));
      return sendError(
        res,
        injected.status,
        injected.status === 429 ? 'too_many_requests' : 'internal_error',
        'injected fault',
      );
    }
    if (req.headers.authorization !== `Bearer ${options.secretKey}`) {
      return sendError(res, 401, 'authentication_invalid', 'Invalid authentication');
    }
    if (options.latencyMs) await sleep(options.latencyMs);
    if (method !== 'GET')
      return sendError(res, 405, 'method_not_allowed', 'only GET is served by this stand-in');

    if (path === '/v1/jwks') return sendJson(res, 200, { keys: jwks });
    if (path === '/v1/users/count') {
      return sendJson(res, 200, { object: 'total_count', total_count: users.size });
    }
    if (path === '/v1/users') {
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500 || !Number.isInteger(offset) || offset < 0) {
        return sendError(res, 422, 'form_param_value_invalid', 'limit must be 1-500 and offset >= 0');
      }
      const all = [...users.values()];
      if (url.searchParams.get('order_by') === '-created_at') all.reverse();
      return sendJson(res, 200, all.slice(offset, offset + limit));
    }
    const match = /^\/v1\/users\/([^/]+)$/.exec(path);
    if (match) {
      const user = users.get(decodeURIComponent(match[1] ?? ''));
      return user ? sendJson(res, 200, user) : sendError(res, 404, 'resource_not_found', 'not found');
    }
    return sendError(res, 404, 'resource_not_found', `no route ${path}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    jwks,
    requests,
    setFault(next) {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Clerk's SDK parses a body as JSON only when content-type is exactly `application/json`.
function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) return void res.end();
  sendJson(res, status, {
    errors: [{ message, long_message: message, code }],
    clerk_trace_id: randomBytes(8).toString('hex'),
  });
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
