import { env } from '../config/env.ts';

/** Returns a fresh Clerk session token (they live 60 s), or null when signed out. */
export type GetToken = () => Promise<string | null>;

export type ApiErrorKind = 'network' | 'http';

/** A failed API call: a network failure (status 0) or a non-2xx answer with the API's `{ error, code }`. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly code: string | null;
  /** From `Retry-After` (seconds or HTTP date), in milliseconds; null when absent. */
  readonly retryAfterMs: number | null;

  constructor(init: {
    kind: ApiErrorKind;
    status: number;
    message: string;
    code?: string | null;
    retryAfterMs?: number | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  /** Worth retrying: the network, a 5xx, a 408 or a 429. 4xx answers are final. */
  get isTransient() {
    return this.kind === 'network' || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export interface ApiClient {
  request<T>(path: string, init?: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<T>;
}

/**
 * A client for our API: same origin by default (`/api/...`, proxied by Vite in development), or
 * `baseUrl` (VITE_API_URL) for an API on another origin. Every request carries a fresh bearer token.
 */
export function createApiClient(options: {
  getToken: GetToken;
  baseUrl?: string | null;
  fetch?: typeof fetch;
}): ApiClient {
  const baseUrl = options.baseUrl ?? env.apiUrl ?? '';
  return {
    async request<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}) {
      const doFetch = options.fetch ?? globalThis.fetch;
      const token = await options.getToken();
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}${path}`, {
          method: init.method ?? 'GET',
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: init.signal,
          credentials: baseUrl ? 'omit' : 'same-origin',
        });
      } catch (error) {
        if (init.signal?.aborted) throw error;
        throw new ApiError({ kind: 'network', status: 0, message: 'Could not reach the server.' });
      }
      const payload = await readJson(response);
      if (!response.ok) {
        const body = (payload ?? {}) as { error?: unknown; code?: unknown };
        throw new ApiError({
          kind: 'http',
          status: response.status,
          message: typeof body.error === 'string' ? body.error : `Request failed (${response.status}).`,
          code: typeof body.code === 'string' ? body.code : null,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      return payload as T;
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
