import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export interface ScriptedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer after this long (a slow server). */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, `?…` or empty. */
  search: string;
  authorization: string | null;
  body: unknown;
  at: number;
}

/**
 * A real HTTP server standing in for our API in component tests. Each route answers from a script
 * (`reply('POST /api/v1/users/sync', r1, r2, …)`: one response per request, the last one repeats).
 * A request with no script is answered 500 and recorded in `unhandled`, which the tests assert empty.
 */
export async function startScriptedApiServer() {
  const scripts = new Map<string, ScriptedResponse[]>();
  const requests: RecordedRequest[] = [];
  const unhandled: string[] = [];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = `${req.method} ${url.pathname}`;
    const text = await readBody(req);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      authorization: req.headers.authorization ?? null,
      body: text ? JSON.parse(text) : undefined,
      at: Date.now(),
    });
    const script = scripts.get(key);
    if (!script || script.length === 0) {
      unhandled.push(key);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `unhandled request in test: ${key}` }));
      return;
    }
    const response = script.length > 1 ? script.shift()! : script[0]!;
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(response.body === undefined ? '' : JSON.stringify(response.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unhandled,
    /** Replaces the script of one route, e.g. `reply('GET /api/v1/users/profile', { status: 200, body })`. */
    reply(route: string, ...responses: ScriptedResponse[]) {
      scripts.set(route, responses);
    },
    requestsTo(route: string) {
      return requests.filter((r) => `${r.method} ${r.path}` === route);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ScriptedApiServer = Awaited<ReturnType<typeof startScriptedApiServer>>;

function readBody(req: IncomingMessage) {
  return new Promise<string>((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/**
 * One scripted API per test file: started before the file's tests, closed after them; after each test
 * it fails the test when a request had no script, then forgets what was asked. Returns a handle that
 * forwards to the running server.
 */
export function scriptedApiServerPerFile(): ScriptedApiServer {
  let server: ScriptedApiServer | undefined;
  beforeAll(async () => {
    server = await startScriptedApiServer();
  });
  afterAll(() => server?.close());
  afterEach(() => {
    expect(server?.unhandled).toEqual([]);
    if (!server) return;
    server.requests.length = 0;
    server.unhandled.length = 0;
  });
  return new Proxy({} as ScriptedApiServer, {
    get: (_target, property) => {
      if (!server) throw new Error('the scripted API is not started yet (use it inside tests and hooks)');
      return Reflect.get(server, property);
    },
  });
}
