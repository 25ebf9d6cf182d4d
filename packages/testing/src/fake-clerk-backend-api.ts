import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

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
  /** Organizations by id (`OrganizationJSON`). */
  organizations: Map<string, Record<string, unknown>>;
  /** Memberships by id (`OrganizationMembershipJSON`, organization embedded as stored). */
  memberships: Map<string, Record<string, unknown>>;
  /**
   * Clerk Billing: a payer's (user or organization id) subscription as the Backend API answers
   * `GET /v1/{users|organizations}/{id}/billing/subscription` (BillingSubscriptionJSON); none: 404.
   */
  subscriptions: Map<string, Record<string, unknown>>;
  /** Keys `GET /v1/jwks` lists (e.g. a session signer's `publicJwk`); empty by default. */
  jwks: Record<string, unknown>[];
  /** Requests received, by `METHOD path` without query (e.g. `GET /v1/users/user_1`). */
  requests: string[];
  setFault(fault: FakeClerkBackendApiOptions['fault']): void;
  /**
   * Serialises the user list now, page by page, for one order and page size, and answers those list
   * requests with the stored bytes from then on (changes to `users` are no longer listed). For
   * benchmarks: real Clerk's CPU is not on our machine, so its stand-in should cost next to nothing.
   */
  freezeUserList(list: { orderBy: string; pageSize: number }): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server that answers the Clerk Backend API calls usersync makes, with Clerk's shapes:
 * `GET /v1/users/{id}`, `GET /v1/users?limit&offset&order_by`, `GET /v1/users/count`, `GET /v1/jwks`,
 * `PATCH /v1/users/{id}/metadata` (deep merge, as `updateUserMetadata`),
 * `GET /v1/organizations` and `/v1/organization_memberships` (paged `{ data, total_count }`, newest
 * first unless `order_by=+created_at`), `GET /v1/organizations/{id or slug}`,
 * `GET /v1/organizations/{id}/memberships`, `GET /v1/users/{id}/organization_memberships`. `setFault`
 * makes any of them fail (e.g. `({ method }) => method === 'PATCH' ? { status: 503 } : undefined`). Every
 * request is counted in `requests`, also those it does not serve (e.g. `POST /v1/api_keys/verify`, which
 * the API must never send). Errors use Clerk's `{ errors: [...], clerk_trace_id }` body; 429s carry
 * `Retry-After`.
 */
export async function startFakeClerkBackendApi(
  options: FakeClerkBackendApiOptions,
): Promise<FakeClerkBackendApi> {
  const users = new Map<string, Record<string, unknown>>();
  const organizations = new Map<string, Record<string, unknown>>();
  const memberships = new Map<string, Record<string, unknown>>();
  const subscriptions = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  const jwks: Record<string, unknown>[] = [];
  let fault = options.fault;
  let count = 0;
  // freezeUserList: `order_by|limit|offset` -> the answer's bytes.
  const frozenPages = new Map<string, Buffer>();

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
    const metadata = /^\/v1\/users\/([^/]+)\/metadata$/.exec(path);
    if (method === 'PATCH' && metadata) {
      const user = users.get(decodeURIComponent(metadata[1] ?? ''));
      if (!user) return sendError(res, 404, 'resource_not_found', 'not found');
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendError(res, 422, 'form_param_format_invalid', 'body must be JSON');
      }
      if (!isPlainObject(body))
        return sendError(res, 422, 'form_param_format_invalid', 'body must be an object');
      // Clerk's updateUserMetadata: a deep merge per field; a null value removes the key.
      for (const field of ['public_metadata', 'private_metadata', 'unsafe_metadata']) {
        const patch = body[field];
        if (patch === undefined) continue;
        if (!isPlainObject(patch))
          return sendError(res, 422, 'form_param_format_invalid', `${field} must be an object`);
        user[field] = deepMerge(isPlainObject(user[field]) ? user[field] : {}, patch);
      }
      // Clerk bumps updated_at (and sends user.updated) on every metadata change.
      user.updated_at = Math.max(Date.now(), Number(user.updated_at ?? 0) + 1);
      return sendJson(res, 200, user);
    }
    // Clerk's deleteUser: the user is gone, the answer is a DeletedObject (Clerk then sends user.deleted).
    const deleting = /^\/v1\/users\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && deleting) {
      const id = decodeURIComponent(deleting[1] ?? '');
      if (!users.delete(id)) return sendError(res, 404, 'resource_not_found', 'not found');
      return sendJson(res, 200, { object: 'user', id, deleted: true });
    }
    if (method !== 'GET')
      return sendError(
        res,
        405,
        'method_not_allowed',
        'only GET, PATCH …/metadata and DELETE /v1/users/{id} are served by this stand-in',
      );

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
      const frozen = frozenPages.get(`${url.searchParams.get('order_by')}|${limit}|${offset}`);
      if (frozen) return sendBytes(res, frozen);
      const all = ordered([...users.values()], url.searchParams.get('order_by'));
      if (!all) return sendError(res, 422, 'form_param_value_invalid', 'order_by is not supported');
      return sendJson(res, 200, all.slice(offset, offset + limit));
    }
    if (path === '/v1/organizations') return sendPage(res, url, [...organizations.values()]);
    if (path === '/v1/organization_memberships') return sendPage(res, url, [...memberships.values()]);
    const organizationMatch = /^\/v1\/organizations\/([^/]+)(\/memberships)?$/.exec(path);
    if (organizationMatch) {
      const ref = decodeURIComponent(organizationMatch[1] ?? '');
      const organization = organizations.get(ref) ?? [...organizations.values()].find((o) => o.slug === ref);
      if (!organization) return sendError(res, 404, 'resource_not_found', 'not found');
      if (!organizationMatch[2]) return sendJson(res, 200, organization);
      return sendPage(
        res,
        url,
        membershipsWhere((m) => organizationIdOf(m) === organization.id),
      );
    }
    const userMembershipsMatch = /^\/v1\/users\/([^/]+)\/organization_memberships$/.exec(path);
    if (userMembershipsMatch) {
      const userId = decodeURIComponent(userMembershipsMatch[1] ?? '');
      return sendPage(
        res,
        url,
        membershipsWhere((m) => userIdOf(m) === userId),
      );
    }
    const billing = /^\/v1\/(?:users|organizations)\/([^/]+)\/billing\/subscription$/.exec(path);
    if (billing) {
      const subscription = subscriptions.get(decodeURIComponent(billing[1] ?? ''));
      return subscription
        ? sendJson(res, 200, subscription)
        : sendError(res, 404, 'resource_not_found', 'no subscription');
    }
    const match = /^\/v1\/users\/([^/]+)$/.exec(path);
    if (match) {
      const user = users.get(decodeURIComponent(match[1] ?? ''));
      return user ? sendJson(res, 200, user) : sendError(res, 404, 'resource_not_found', 'not found');
    }
    return sendError(res, 404, 'resource_not_found', `no route ${path}`);
  }

  function membershipsWhere(keep: (membership: Record<string, unknown>) => boolean) {
    return [...memberships.values()].filter(keep);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    organizations,
    memberships,
    subscriptions,
    jwks,
    requests,
    setFault(next) {
      fault = next;
    },
    freezeUserList({ orderBy, pageSize }) {
      const all = ordered([...users.values()], orderBy);
      if (!all) throw new Error(`order_by ${orderBy} is not supported`);
      // One more page than there are users: the empty page after the last is asked for too.
      for (let offset = 0; offset <= all.length; offset += pageSize) {
        const page = Buffer.from(JSON.stringify(all.slice(offset, offset + pageSize)));
        frozenPages.set(`${orderBy}|${pageSize}|${offset}`, page);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Clerk's `order_by` for the user list: `created_at` or `updated_at`, `+` ascending (default) or `-`
 * descending. Without it, Clerk lists newest first; this stand-in keeps insertion order, as before.
 */
function ordered(all: Array<Record<string, unknown>>, orderBy: string | null) {
  if (orderBy === null) return all;
  const match = /^([+-]?)(created_at|updated_at)$/.exec(orderBy);
  if (!match) return null;
  const field = match[2] as string;
  const direction = match[1] === '-' ? -1 : 1;
  return all.sort((a, b) => direction * (Number(a[field]) - Number(b[field])));
}

const organizationIdOf = (m: Record<string, unknown>) => (m.organization as { id?: unknown } | undefined)?.id;
const userIdOf = (m: Record<string, unknown>) =>
  (m.public_user_data as { user_id?: unknown } | undefined)?.user_id;

/** Clerk's paged list answer: `{ data, total_count }`, newest first unless `order_by=+created_at`. */
function sendPage(res: ServerResponse, url: URL, all: Record<string, unknown>[]) {
  const limit = Number(url.searchParams.get('limit') ?? 10);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500 || !Number.isInteger(offset) || offset < 0) {
    return sendError(res, 422, 'form_param_value_invalid', 'limit must be 1-500 and offset >= 0');
  }
  const ascending = (url.searchParams.get('order_by') ?? '-created_at') === '+created_at';
  const sorted = [...all].sort(
    (a, b) => ((a.created_at as number) - (b.created_at as number)) * (ascending ? 1 : -1),
  );
  return sendJson(res, 200, { data: sorted.slice(offset, offset + limit), total_count: all.length });
}

// Clerk's SDK parses a body as JSON only when content-type is exactly `application/json`.
function sendJson(res: ServerResponse, status: number, body: unknown) {
  sendBytes(res, Buffer.from(JSON.stringify(body)), status);
}

function sendBytes(res: ServerResponse, body: Buffer, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) return void res.end();
  sendJson(res, status, {
    errors: [{ message, long_message: message, code }],
    clerk_trace_id: randomBytes(8).toString('hex'),
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (isPlainObject(value) && isPlainObject(merged[key])) merged[key] = deepMerge(merged[key], value);
    else merged[key] = value;
  }
  return merged;
}
