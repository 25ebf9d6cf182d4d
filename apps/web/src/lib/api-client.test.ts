import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptedApiServer, startScriptedApiServer } from '../testing/scripted-api-server.ts';
import { ApiError, createApiClient, parseRetryAfter } from './api-client.ts';

let api: ScriptedApiServer;
beforeAll(async () => {
  api = await startScriptedApiServer();
});
afterAll(() => api.close());

describe('createApiClient', () => {
  it('sends a fresh bearer token with every request and parses JSON', async () => {
    let n = 0;
    const client = createApiClient({ baseUrl: api.url, getToken: async () => `token-${++n}` });
    api.reply('GET /api/v1/users/profile', { status: 200, body: { id: 'u1' } });
    await expect(client.request('/api/v1/users/profile')).resolves.toEqual({ id: 'u1' });
    await client.request('/api/v1/users/profile');
    expect(api.requestsTo('GET /api/v1/users/profile').map((r) => r.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('turns an error answer into an ApiError with message, code and Retry-After', async () => {
    const client = createApiClient({ baseUrl: api.url, getToken: async () => 't' });
    api.reply('POST /api/v1/users/sync', {
      status: 503,
      body: { error: 'Clerk is unreachable', code: 'clerk_unavailable' },
      headers: { 'retry-after': '7' },
    });
    const error = await client.request('/api/v1/users/sync', { method: 'POST', body: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: 'http',
      status: 503,
      message: 'Clerk is unreachable',
      code: 'clerk_unavailable',
      retryAfterMs: 7000,
      isTransient: true,
    });
  });

  it('reports an unreachable server as a transient network error', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:9', getToken: async () => null });
    const error = await client.request('/api/health').catch((e) => e);
    expect(error).toMatchObject({ kind: 'network', status: 0, isTransient: true });
  });

  it('treats 4xx (except 408/429) as permanent', () => {
    expect(new ApiError({ kind: 'http', status: 401, message: '' }).isTransient).toBe(false);
    expect(new ApiError({ kind: 'http', status: 410, message: '' }).isTransient).toBe(false);
    expect(new ApiError({ kind: 'http', status: 429, message: '' }).isTransient).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
