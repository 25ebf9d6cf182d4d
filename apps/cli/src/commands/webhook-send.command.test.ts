import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleClerkUser } from '@usersync/core/internal';
import { testWebhookSecret } from '@usersync/testing/svix';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { runCli } from '../program.ts';
import { captureIo, testConfig } from '../testing/command-fixtures.ts';
import { isLoopbackHost } from './webhook-send.command.ts';

// What `webhook send` puts on the wire, checked with Svix's own verifier. The round trip through the
// real API is in webhook-send.api.test.ts.

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('usersync webhook send: signed like Svix', () => {
  const secret = testWebhookSecret();
  const received: Received[] = [];
  let server: Server;
  let url: string;
  let answer = { status: 200, body: '{"status":"applied"}' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/clerk`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const context = (overrides: Partial<ReturnType<typeof testConfig>> = {}) => {
    const io = captureIo();
    const ctx: CommandContext = {
      config: testConfig({ webhookSigningSecret: secret, webhookUrl: url, ...overrides }),
      io,
      cwd: tmpdir(),
      database: () => Promise.reject(new Error('webhook send must not open the database')),
    };
    return { ctx, io };
  };
  const verify = (r: Received) =>
    new Webhook(secret).verify(r.body, {
      'svix-id': String(r.headers['svix-id']),
      'svix-timestamp': String(r.headers['svix-timestamp']),
      'svix-signature': String(r.headers['svix-signature']),
    });

  it('posts a user.created event that Svix verification accepts, and prints the answer', async () => {
    const { ctx, io } = context();
    const code = await runCli(
      [
        'webhook',
        'send',
        'user.created',
        '--user-id',
        'user_sendtest',
        '--email',
        'ada@example.com',
        '--first-name',
        'Ada',
      ],
      ctx,
    );
    expect(code).toBe(EXIT.ok);
    const delivery = received.at(-1)!;
    expect(() => verify(delivery)).not.toThrow();
    const event = JSON.parse(delivery.body);
    expect(event).toMatchObject({
      type: 'user.created',
      object: 'event',
      data: { id: 'user_sendtest', first_name: 'Ada' },
    });
    const primary = event.data.email_addresses.find(
      (e: { id: string }) => e.id === event.data.primary_email_address_id,
    );
    expect(primary.email_address).toBe('ada@example.com');
    expect(io.stdout()).toContain('200 OK');
    expect(io.stdout()).toContain('"status": "applied"');
    expect(io.stdout() + io.stderr()).not.toContain(secret);
    expect(io.stdout() + io.stderr()).not.toContain(String(delivery.headers['svix-signature']));
  });

  it('a signature from another secret does not verify (the check above can fail)', async () => {
    const { ctx } = context({ webhookSigningSecret: testWebhookSecret() });
    expect(await runCli(['webhook', 'send', 'user.created'], ctx)).toBe(EXIT.ok);
    expect(() => verify(received.at(-1)!)).toThrow();
  });

  it('sends user.deleted with only { id, object, deleted }, and requires --user-id for it', async () => {
    const { ctx } = context();
    expect(
      await runCli(
        ['webhook', 'send', 'user.deleted', '--user-id', 'user_gone', '--svix-id', 'msg_fixed'],
        ctx,
      ),
    ).toBe(EXIT.ok);
    const delivery = received.at(-1)!;
    expect(delivery.headers['svix-id']).toBe('msg_fixed');
    expect(JSON.parse(delivery.body).data).toEqual({ id: 'user_gone', object: 'user', deleted: true });
    const missing = context();
    expect(await runCli(['webhook', 'send', 'user.deleted'], missing.ctx)).toBe(EXIT.usage);
    expect(missing.io.stderr()).toContain('--user-id');
  });

  it('user.updated keeps the fields not given (here: from the user this tool sent before)', async () => {
    const send = async (...args: string[]) => {
      const { ctx, io } = context();
      return { code: await runCli(['webhook', 'send', ...args], ctx), io };
    };
    const created = await send(
      'user.created',
      '--user-id',
      'user_grace',
      '--email',
      'grace@example.com',
      '--first-name',
      'Grace',
    );
    expect(created.code).toBe(EXIT.ok);
    const before = JSON.parse(received.at(-1)!.body).data;
    expect((await send('user.updated', '--user-id', 'user_grace', '--last-name', 'Hopper')).code).toBe(
      EXIT.ok,
    );
    const after = JSON.parse(received.at(-1)!.body).data;
    expect(after).toMatchObject({
      id: 'user_grace',
      first_name: 'Grace',
      last_name: 'Hopper',
      created_at: before.created_at,
    });
    expect(after.email_addresses[0].email_address).toBe('grace@example.com');
    expect(after.updated_at).toBeGreaterThan(before.updated_at);

    // A user nobody can describe is refused rather than filled with sample data.
    const unknown = await send('user.updated', '--user-id', 'user_unknown', '--last-name', 'X');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.io.stderr()).toContain('its current fields are unknown');
  });

  it('sends a user from a JSON file (relative to where the operator ran the command)', async () => {
    const user = sampleClerkUser({ id: 'user_fromfile', firstName: 'Filed' });
    const name = `usersync-user-${process.pid}.json`;
    await writeFile(join(tmpdir(), name), JSON.stringify(user));
    const { ctx } = context();
    expect(await runCli(['webhook', 'send', 'user.updated', '--file', name], ctx)).toBe(EXIT.ok);
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({
      type: 'user.updated',
      data: { id: 'user_fromfile' },
    });
  });

  it('refuses a --url that is not this machine unless --allow-remote is given', async () => {
    // 0.0.0.0 reaches this machine's listener on Linux yet is not a loopback name: the refusal can be
    // seen failing (a delivery arriving) without sending anything off the machine.
    const unspecified = url.replace('127.0.0.1', '0.0.0.0');
    const before = received.length;
    const refused = context();
    expect(await runCli(['webhook', 'send', 'user.created', '--url', unspecified], refused.ctx)).toBe(
      EXIT.refused,
    );
    expect(refused.io.stderr()).toMatch(
      /refusing to send a signed delivery to 0\.0\.0\.0:\d+.*--allow-remote/,
    );
    expect(received.length).toBe(before);
    const allowed = context();
    expect(
      await runCli(['webhook', 'send', 'user.created', '--url', unspecified, '--allow-remote'], allowed.ctx),
    ).toBe(EXIT.ok);
    expect(received.length).toBe(before + 1);
  });

  it('knows which hosts are this machine', () => {
    for (const host of ['localhost', 'api.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '192.0.2.2',
      '10.0.0.1',
      '0.0.0.0',
      'example.com',
      'localhost.example.com',
      '[::]',
      '128.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('exits 1 when the API answers non-2xx, and when nothing listens', async () => {
    answer = { status: 400, body: '{"error":"invalid signature"}' };
    const rejected = context();
    expect(await runCli(['webhook', 'send', 'user.created'], rejected.ctx)).toBe(EXIT.failure);
    expect(rejected.io.stdout()).toContain('400 Bad Request');
    answer = { status: 200, body: '{}' };
    const nobody = context({ webhookUrl: 'http://127.0.0.1:9/api/webhooks/clerk' });
    expect(await runCli(['webhook', 'send', 'user.created'], nobody.ctx)).toBe(EXIT.failure);
    expect(nobody.io.stderr()).toContain('is the API running?');
  });
});
