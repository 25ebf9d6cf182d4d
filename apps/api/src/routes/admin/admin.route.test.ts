import { findUserByClerkId, sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { bearer, buildTestApp, deliver } from '../../testing/index.ts';

const ROUTES = [
  ['GET', '/api/v1/admin/overview'],
  ['GET', '/api/v1/admin/webhook-events'],
  ['GET', '/api/v1/admin/webhook-events/msg_x'],
  ['POST', '/api/v1/admin/webhook-events/msg_x/replay'],
  ['GET', '/api/v1/admin/users'],
  ['GET', '/api/v1/admin/users/user_x'],
  ['PATCH', '/api/v1/admin/users/user_x'],
  ['POST', '/api/v1/admin/users/user_x/resync'],
  ['GET', '/api/v1/admin/audit-log'],
] as const;

describeEachDatabase('/api/v1/admin', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  const admin = sampleClerkUser({ email: 'Root@Example.com', firstName: 'Root' });
  const member = sampleClerkUser({ email: 'member@example.com', firstName: 'Mia' });
  const adminId = admin.id as string;
  const memberId = member.id as string;

  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk, {
      config: {
        access: {
          roles: ['member', 'editor', 'admin'],
          adminEmails: ['root@example.com', 'boss@example.com', 'late@example.com'],
        },
      },
    }));
    for (const user of [admin, member]) {
      clerk.clerkApi.users.set(user.id as string, user);
      expect((await request('POST', '/api/v1/users/sync', user.id as string)).statusCode).toBe(201);
    }
  });
  afterEach(() => clerk.clerkApi.setFault(undefined));
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  function request(method: string, url: string, as: string | null = adminId, payload?: object) {
    return app.inject({
      method: method as 'GET',
      url,
      headers: as ? bearer(clerk, as) : {},
      ...(payload && { payload }),
    });
  }

  it('ADMIN_EMAILS made the listed verified user admin at row creation, with an audit entry', async () => {
    expect((await findUserByClerkId(use().db, adminId))?.role).toBe('admin');
    expect((await findUserByClerkId(use().db, memberId))?.role).toBe('member');
    const audit = await request('GET', `/api/v1/admin/audit-log?targetId=${adminId}`);
    expect(audit.json().items).toMatchObject([
      { actor: 'system:ADMIN_EMAILS', action: 'user.role_changed', after: { role: 'admin' } },
    ]);
  });

  it('ADMIN_EMAILS also applies to a webhook-created row and, for an existing row, on the next sync', async () => {
    const { db } = use();
    const boss = sampleClerkUser({ email: 'boss@example.com' });
    expect((await deliver(app, clerk, sampleClerkEvent('user.created', boss))).statusCode).toBe(200);
    expect((await findUserByClerkId(db, boss.id as string))?.role).toBe('admin');

    const late = sampleClerkUser({ email: 'late@example.com' });
    await db
      .insertInto('users')
      .values({
        clerk_id: late.id as string,
        email: 'late@example.com',
        email_verified: true,
        role: 'member',
      })
      .execute();
    const sync = await request('POST', '/api/v1/users/sync', late.id as string);
    expect(sync.json()).toMatchObject({ status: 'existing', profile: { role: 'admin' } });
    // Back to members, so the last-admin test below sees one admin.
    await db
      .updateTable('users')
      .set({ role: 'member' })
      .where('clerk_id', 'in', [boss.id as string, late.id as string])
      .execute();
  });

  it('answers 401 without a token (no Clerk call) and 403 to a non-admin on every route', async () => {
    const before = clerk.clerkApi.requests.length;
    for (const [method, url] of ROUTES) {
      const anonymous = await request(method, url, null, method === 'PATCH' ? { role: 'admin' } : undefined);
      expect(anonymous.statusCode, `${method} ${url}`).toBe(401);
      const forbidden = await request(
        method,
        url,
        memberId,
        method === 'PATCH' ? { role: 'admin' } : undefined,
      );
      expect(forbidden.statusCode, `${method} ${url}`).toBe(403);
      expect(forbidden.json()).toMatchObject({ code: 'forbidden' });
    }
    expect(clerk.clerkApi.requests.length).toBe(before);
    expect((await findUserByClerkId(use().db, memberId))?.role).toBe('member');
  });

  it('overview: users, deliveries by status and type, unrecovered failures, lag', async () => {
    const bad = await deliver(app, clerk, { type: 'user.updated', object: 'event', data: { id: memberId } });
    expect(bad.statusCode).toBe(422);
    const response = await request('GET', '/api/v1/admin/overview');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.users.active).toBeGreaterThanOrEqual(2);
    // The organizations table exists (migration 0200), empty here: a count, not null.
    expect(body.organizations).toBe(0);
    expect(body.lastReconcileRun).toBeNull();
    expect(body.deliveries.last24h.byStatusAndType).toContainEqual({
      status: 'invalid',
      type: 'user.updated',
      count: 1,
    });
    expect(body.deliveries.unrecovered.count).toBe(1);
    expect(body.deliveries.unrecovered.latest[0]).toMatchObject({ status: 'invalid', clerkUserId: memberId });
    expect(body.deliveries.lastDeliveryAt).toEqual(expect.any(String));
    expect(body.deliveries.lag).toMatchObject({ thresholdMs: 60_000 });
  });

  it('lists deliveries with filters and cursor paging; shows one with its payload; 404 for none', async () => {
    for (const at of [1, 2, 3]) {
      const updated = { ...member, updated_at: Date.now() + at, last_name: `V${at}` };
      expect(
        (await deliver(app, clerk, sampleClerkEvent('user.updated', updated), { svixId: `msg_page_${at}` }))
          .statusCode,
      ).toBe(200);
    }
    const first = await request(
      'GET',
      `/api/v1/admin/webhook-events?clerkUserId=${memberId}&status=applied&limit=2`,
    );
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((e: { svixId: string }) => e.svixId)).toEqual(['msg_page_3', 'msg_page_2']);
    const second = await request(
      'GET',
      `/api/v1/admin/webhook-events?clerkUserId=${memberId}&status=applied&limit=2&cursor=${first.json().nextCursor}`,
    );
    expect(second.json()).toEqual({
      items: [expect.objectContaining({ svixId: 'msg_page_1' })],
      nextCursor: null,
    });
    const byType = await request('GET', '/api/v1/admin/webhook-events?type=user.deleted');
    expect(byType.json().items).toEqual([]);
    const byText = await request('GET', '/api/v1/admin/webhook-events?q=V2');
    expect(byText.json().items.map((e: { svixId: string }) => e.svixId)).toEqual(['msg_page_2']);

    const detail = await request('GET', '/api/v1/admin/webhook-events/msg_page_2');
    expect(detail.json()).toMatchObject({
      svixId: 'msg_page_2',
      payload: { type: 'user.updated', data: { last_name: 'V2' } },
      replays: [],
    });
    expect((await request('GET', '/api/v1/admin/webhook-events/msg_nope')).statusCode).toBe(404);
    expect((await request('GET', '/api/v1/admin/webhook-events?status=bogus')).statusCode).toBe(400);
    expect((await request('GET', '/api/v1/admin/webhook-events?limit=0')).statusCode).toBe(400);
    expect((await request('GET', '/api/v1/admin/webhook-events?unknown=1')).statusCode).toBe(400);
  });

  it('replays a failed delivery through the webhook rules: applied, recovered, audited; 409 without a payload', async () => {
    const { db } = use();
    const lost = sampleClerkUser({ email: 'lost@example.com' });
    await db
      .insertInto('webhook_events')
      .values([
        {
          svix_id: 'msg_failed',
          type: 'user.created',
          clerk_user_id: lost.id as string,
          status: 'failed',
          error: 'database restarted',
          payload: JSON.stringify(sampleClerkEvent('user.created', lost)),
        },
        { svix_id: 'msg_failed_bare', type: 'user.created', status: 'failed', error: 'boom', payload: null },
      ])
      .execute();
    const replay = await request('POST', '/api/v1/admin/webhook-events/msg_failed/replay');
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({
      replayOf: 'msg_failed',
      status: 'applied',
      originalStatus: 'failed',
      svixId: expect.stringMatching(/^replay:msg_failed:/),
    });
    expect(await findUserByClerkId(db, lost.id as string)).toMatchObject({ email: 'lost@example.com' });
    const again = await request('POST', '/api/v1/admin/webhook-events/msg_failed/replay');
    expect(again.json()).toMatchObject({ status: 'duplicate' });

    const overview = (await request('GET', '/api/v1/admin/overview')).json();
    expect(overview.deliveries.unrecovered.latest.map((e: { svixId: string }) => e.svixId)).not.toContain(
      'msg_failed',
    );
    const detail = (await request('GET', '/api/v1/admin/webhook-events/msg_failed')).json();
    expect(detail.replays).toHaveLength(2);
    const audit = (await request('GET', '/api/v1/admin/audit-log?targetId=msg_failed')).json();
    expect(audit.items[1]).toMatchObject({
      actor: adminId,
      actorEmail: 'Root@Example.com',
      action: 'webhook_event.replayed',
      before: { status: 'failed' },
      after: { status: 'applied' },
    });

    const bare = await request('POST', '/api/v1/admin/webhook-events/msg_failed_bare/replay');
    expect(bare.statusCode).toBe(409);
    expect(bare.json()).toMatchObject({ code: 'delivery_not_replayable' });
    expect((await request('POST', '/api/v1/admin/webhook-events/msg_none/replay')).statusCode).toBe(404);
  });

  it('lists users with search, status and role filters and cursor paging; shows one with deliveries', async () => {
    const byRole = (await request('GET', '/api/v1/admin/users?role=admin')).json();
    expect(byRole.items.map((u: { clerkId: string }) => u.clerkId)).toEqual([adminId]);
    const byName = (await request('GET', '/api/v1/admin/users?q=mia&status=active')).json();
    expect(byName.items).toMatchObject([
      { clerkId: memberId, email: 'member@example.com', status: 'active' },
    ]);
    expect((await request('GET', '/api/v1/admin/users?status=deleted')).json().items).toEqual([]);
    const page1 = (await request('GET', '/api/v1/admin/users?limit=1')).json();
    const page2 = (await request('GET', `/api/v1/admin/users?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page1.items).toHaveLength(1);
    expect(page2.items[0].clerkId).not.toBe(page1.items[0].clerkId);

    const detail = await request('GET', `/api/v1/admin/users/${memberId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      user: { clerkId: memberId, role: 'member', publicMetadata: {} },
      settings: { theme: 'system' },
      memberships: [],
      roles: ['member', 'editor', 'admin'],
    });
    expect(detail.json().deliveries.length).toBeGreaterThan(0);
    expect((await request('GET', '/api/v1/admin/users/user_nobody')).statusCode).toBe(404);
  });

  it('changes a role in the database and in Clerk public_metadata (merged), with an audit entry', async () => {
    clerk.clerkApi.users.get(memberId)!.public_metadata = { plan: 'pro' };
    const response = await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'editor' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      previousRole: 'member',
      changed: true,
      user: { role: 'editor' },
    });
    expect((await findUserByClerkId(use().db, memberId))?.role).toBe('editor');
    expect(clerk.clerkApi.users.get(memberId)!.public_metadata).toEqual({ plan: 'pro', role: 'editor' });
    const audit = (await request('GET', `/api/v1/admin/audit-log?targetId=${memberId}`)).json();
    expect(audit.items[0]).toMatchObject({
      actor: adminId,
      action: 'user.role_changed',
      before: { role: 'member' },
      after: { role: 'editor' },
    });

    expect(
      (await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'owner' })).statusCode,
    ).toBe(400);
    expect(
      (await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'admin', extra: 1 }))
        .statusCode,
    ).toBe(400);
    expect(
      (await request('PATCH', '/api/v1/admin/users/user_nobody', adminId, { role: 'admin' })).statusCode,
    ).toBe(404);
  });

  it('a Clerk failure answers 503 (unreachable) or 502 (refused) and leaves the database and audit unchanged', async () => {
    const { db } = use();
    const auditBefore = (await request('GET', '/api/v1/admin/audit-log')).json().items.length;
    const roleBefore = (await findUserByClerkId(db, memberId))?.role;
    clerk.clerkApi.setFault(({ method }) => (method === 'PATCH' ? { status: 500 } : undefined));
    const down = await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'admin' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ code: 'clerk_unavailable' });
    clerk.clerkApi.setFault(({ method }) => (method === 'PATCH' ? { status: 422 } : undefined));
    const refused = await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'admin' });
    expect(refused.statusCode).toBe(502);
    expect((await findUserByClerkId(db, memberId))?.role).toBe(roleBefore);
    expect(clerk.clerkApi.users.get(memberId)!.public_metadata).not.toMatchObject({ role: 'admin' });
    expect((await request('GET', '/api/v1/admin/audit-log')).json().items.length).toBe(auditBefore);
  });

  it('refuses to demote the last admin (409), and a demoted admin loses access at once', async () => {
    const last = await request('PATCH', `/api/v1/admin/users/${adminId}`, adminId, { role: 'member' });
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ code: 'last_admin' });
    expect(
      (await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'admin' })).statusCode,
    ).toBe(200);
    expect(
      (await request('PATCH', `/api/v1/admin/users/${memberId}`, adminId, { role: 'member' })).statusCode,
    ).toBe(200);
    expect((await request('GET', '/api/v1/admin/overview', memberId)).statusCode).toBe(403);
  });

  it('resyncs a user from Clerk (the fallback rule) and answers the outcome', async () => {
    const newer = {
      ...clerk.clerkApi.users.get(memberId)!,
      first_name: 'Mila',
      updated_at: Date.now() + 60_000,
    };
    clerk.clerkApi.users.set(memberId, newer);
    const response = await request('POST', `/api/v1/admin/users/${memberId}/resync`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ outcome: 'updated', user: { firstName: 'Mila' } });
    expect((await request('POST', `/api/v1/admin/users/${memberId}/resync`)).json()).toMatchObject({
      outcome: 'unchanged',
    });
    expect((await request('POST', '/api/v1/admin/users/user_gone/resync')).json()).toMatchObject({
      code: 'clerk_user_not_found',
    });
    clerk.clerkApi.setFault(() => ({ status: 429, retryAfter: 7 }));
    const limited = await request('POST', `/api/v1/admin/users/${memberId}/resync`);
    expect(limited.statusCode).toBe(503);
    expect(limited.headers['retry-after']).toBe('7');
  });
});
