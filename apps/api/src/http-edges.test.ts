import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, SERVER_TIMEOUTS, type ServerTimeouts } from './app.ts';
import { loggerOptions } from './logger.ts';
import { testAppConfig } from './testing/index.ts';

// What happens on a real socket before a route runs: malformed requests, slow and vanishing clients,
// and files of the built SPA that are not for the public. A listening server, raw TCP.

/** SERVER_TIMEOUTS scaled down so that a slow client is cut off in a fraction of a second. */
const FAST_TIMEOUTS: ServerTimeouts = {
  requestTimeout: 500,
  http: { headersTimeout: 500, connectionsCheckingInterval: 100 },
};

describeEachDatabase('the HTTP edge', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  let port: number;
  let webDistDir: string;
  const logs: string[] = [];
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    webDistDir = mkdtempSync(join(tmpdir(), 'usersync-web-dist-'));
    mkdirSync(join(webDistDir, 'assets'));
    writeFileSync(join(webDistDir, 'index.html'), '<!doctype html><title>usersync</title>');
    writeFileSync(join(webDistDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(webDistDir, 'assets', 'app.js.map'), '{"version":3,"sourcesContent":["secret"]}');
    app = await buildApp({
      config: testAppConfig(clerk, { webDistDir }),
      db: use().db,
      logger: loggerOptions({ level: 'info', stream: { write: (line) => void logs.push(line) } }),
      timeouts: FAST_TIMEOUTS,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await clerk?.close();
    rmSync(webDistDir, { recursive: true, force: true });
  });

  /** Writes `chunks` (with `gapMs` between them) and resolves with whatever came back before the socket closed. */
  function raw(chunks: string[], { gapMs = 0, waitMs = 3_000, destroyAfterWrite = false } = {}) {
    return new Promise<string>((resolve) => {
      let received = '';
      const socket = net.connect(port, '127.0.0.1', async () => {
        for (const chunk of chunks) {
          if (socket.destroyed) break;
          socket.write(chunk);
          if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        }
        if (destroyAfterWrite) socket.destroy();
      });
      const timer = setTimeout(() => socket.destroy(), waitMs);
      socket.on('data', (data) => {
        received += data.toString();
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(received);
      });
    });
  }
  const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
  const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

  it.each([
    [
      'a URL that is not valid percent-encoding',
      'GET /% HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
      'bad_request',
    ],
    [
      'a lower-case method',
      'get /api/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
      'bad_request',
    ],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 'invalid_preflight'],
    [
      'a control character in a header',
      'GET /api/health HTTP/1.1\r\nhost: x\r\nx-a: \x01\r\n\r\n',
      'bad_request',
    ],
  ])('answers %s with 400 in the { error, code } shape', async (_name, request, code) => {
    const response = await raw([request]);
    expect(statusOf(response), response).toBe(400);
    const body = bodyOf(response);
    expect(Object.keys(body).sort()).toEqual(['code', 'error']);
    expect(body).toMatchObject({ error: expect.any(String), code });
  });

  it('answers 408 to a body trickled slower than the request timeout, and closes the connection', async () => {
    const started = Date.now();
    const body = JSON.stringify({ type: 'user.created', data: {} });
    const chunks = [
      `POST /api/webhooks/clerk HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
      ...body.split(''),
    ];
    const response = await raw(chunks, { gapMs: 100, waitMs: 10_000 });
    expect(statusOf(response), response).toBe(408);
    expect(bodyOf(response)).toEqual({ error: expect.any(String), code: 'request_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('closes a connection that never sends a request', async () => {
    const started = Date.now();
    const response = await raw([], { waitMs: 5_000 });
    expect(statusOf(response)).toBe(408);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('treats a client that vanishes mid-upload as the client’s doing, not a database outage', async () => {
    const from = logs.length;
    await raw(
      [
        'POST /api/webhooks/clerk HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nsvix-id: msg_1\r\nsvix-timestamp: 1\r\nsvix-signature: v1,x\r\n\r\n',
        '{"type":"user.cr',
      ],
      { gapMs: 50, destroyAfterWrite: true },
    );
    await expect
      .poll(() => logs.slice(from).some((l) => l.includes('request aborted by the client')))
      .toBe(true);
    const written = logs.slice(from).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(written.filter((entry) => entry.level >= 50).map((entry) => entry.msg)).toEqual([]);
    expect(written.map((entry) => entry.msg)).not.toContain('database unavailable');
  });

  it('serves the SPA’s scripts but not their source maps', async () => {
    const get = (url: string) => app.inject({ method: 'GET', url });
    expect((await get('/assets/app.js')).statusCode).toBe(200);
    const map = await get('/assets/app.js.map');
    expect(map.statusCode).toBe(404);
    expect(map.body).not.toContain('sourcesContent');
  });
});

it('gives up on a request well before Svix gives up on us (15 s)', () => {
  expect(SERVER_TIMEOUTS.requestTimeout).toBeLessThan(15_000);
  expect(SERVER_TIMEOUTS.http.headersTimeout).toBeLessThanOrEqual(SERVER_TIMEOUTS.requestTimeout ?? 0);
  expect(SERVER_TIMEOUTS.requestTimeout! + SERVER_TIMEOUTS.http.connectionsCheckingInterval).toBeLessThan(
    15_000,
  );
});
