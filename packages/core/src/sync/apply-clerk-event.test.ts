import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { createInvitation } from '../invitations/invitation.repository.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findUserByClerkId, updateAppOwnedFields } from '../users/user.repository.ts';
import { findWebhookEvent } from '../webhook-events/webhook-event.repository.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';
import type { SyncOptions } from './sync-options.ts';

const T0 = 1_760_000_000_000;

function deliver(db: Db, event: Record<string, unknown>, options?: SyncOptions & { svixId?: string }) {
  return applyClerkEvent(
    db,
    { svixId: options?.svixId ?? `msg_${randomUUID()}`, body: JSON.stringify(event) },
    options,
  );
}

async function countRows(db: Db) {
  const [users, settings, tombstones] = await Promise.all([
    db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('user_settings')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('user_tombstones')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { users: Number(users.n), settings: Number(settings.n), tombstones: Number(tombstones.n) };
}

describeEachDatabase('applyClerkEvent', (use) => {
  it('creates the user and its settings from user.created, and logs the delivery', async () => {
    const { db } = use();
    const user = sampleClerkUser({ email: 'ada@example.com', createdAt: T0 });
    const result = await deliver(db, sampleClerkEvent('user.created', user), { svixId: 'msg_created_1' });
    expect(result).toMatchObject({ status: 'applied', type: 'user.created', clerkUserId: user.id });
    const row = await findUserByClerkId(db, user.id as string);
    expect(row).toMatchObject({
      id: result.userId,
      email: 'ada@example.com',
      email_verified: true,
      first_name: 'Ada',
      role: 'member',
      is_active: true,
      deleted_at: null,
      clerk_updated_at: new Date(T0),
      settings: { theme: 'system', preferences: {} },
    });
    const logged = await findWebhookEvent(db, 'msg_created_1');
    expect(logged).toMatchObject({
      status: 'applied',
      type: 'user.created',
      clerk_user_id: user.id,
      attempts: 1,
    });
    expect(logged?.processed_at).toBeInstanceOf(Date);
    expect(logged?.payload).toMatchObject({ data: { id: user.id } });
  });

  it('answers duplicate for a redelivered svix-id and changes nothing', async () => {
    const { db } = use();
    const user = sampleClerkUser({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', user), { svixId: 'msg_dup' });
    const before = await findUserByClerkId(db, user.id as string);
    const newer = sampleClerkUser({
      id: user.id as string,
      firstName: 'Changed',
      createdAt: T0,
      updatedAt: T0 + 5,
    });
    // Same svix-id, different body: Svix never does this, but it proves the id alone decides.
    const again = await deliver(db, sampleClerkEvent('user.updated', newer), { svixId: 'msg_dup' });
    expect(again.status).toBe('duplicate');
    expect(await findUserByClerkId(db, user.id as string)).toEqual(before);
    expect((await findWebhookEvent(db, 'msg_dup'))?.status).toBe('applied');
  });

  it('applies a newer update and records an older one as stale', async () => {
    const { db } = use();
    const id = `user_${randomUUID()}`;
    await deliver(db, sampleClerkEvent('user.created', sampleClerkUser({ id, createdAt: T0 })));
    const v3 = sampleClerkUser({ id, firstName: 'Third', createdAt: T0, updatedAt: T0 + 3000 });
    const v2 = sampleClerkUser({ id, firstName: 'Second', createdAt: T0, updatedAt: T0 + 2000 });
    expect((await deliver(db, sampleClerkEvent('user.updated', v3))).status).toBe('applied');
    const stale = await deliver(db, sampleClerkEvent('user.updated', v2), { svixId: 'msg_stale' });
    expect(stale.status).toBe('stale');
    expect((await findUserByClerkId(db, id))?.first_name).toBe('Third');
    expect(await findWebhookEvent(db, 'msg_stale')).toMatchObject({
      status: 'stale',
      error: expect.stringContaining('newer'),
    });
  });

  it('never overwrites app-owned fields (role, theme) with Clerk data', async () => {
    const { db } = use();
    const id = `user_${randomUUID()}`;
    const created = await deliver(
      db,
      sampleClerkEvent('user.created', sampleClerkUser({ id, createdAt: T0 })),
    );
    await updateAppOwnedFields(db, created.userId!, { role: 'admin', settings: { theme: 'dark' } });
    const update = sampleClerkUser({
      id,
      lastName: 'Byron',
      createdAt: T0,
      updatedAt: T0 + 10,
      publicMetadata: { role: 'x' },
    });
    await deliver(db, sampleClerkEvent('user.updated', update));
    expect(await findUserByClerkId(db, id)).toMatchObject({
      last_name: 'Byron',
      role: 'admin',
      public_metadata: { role: 'x' },
      settings: { theme: 'dark' },
    });
  });

  it('soft-deletes: keeps the row inactive with deleted_at, and no later event revives it', async () => {
    const { db } = use();
    const user = sampleClerkUser({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', user));
    const del = await deliver(db, sampleClerkEvent('user.deleted', user, { timestamp: T0 + 100 }));
    expect(del.status).toBe('applied');
    const late = sampleClerkUser({ id: user.id as string, createdAt: T0, updatedAt: T0 + 99_999 });
    expect((await deliver(db, sampleClerkEvent('user.updated', late))).status).toBe('stale');
    expect(await findUserByClerkId(db, user.id as string)).toMatchObject({
      is_active: false,
      deleted_at: new Date(T0 + 100),
      clerk_updated_at: new Date(T0),
    });
  });

  it('hard-deletes: removes row and settings, keeps a tombstone, and a late create stays out', async () => {
    const { db } = use();
    const user = sampleClerkUser({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', user), { deleteMode: 'hard' });
    const before = await countRows(db);
    await deliver(db, sampleClerkEvent('user.deleted', user), { deleteMode: 'hard' });
    expect(await findUserByClerkId(db, user.id as string)).toBeNull();
    const after = await countRows(db);
    expect(after).toEqual({
      users: before.users - 1,
      settings: before.settings - 1,
      tombstones: before.tombstones + 1,
    });
    const late = await deliver(db, sampleClerkEvent('user.created', user), { deleteMode: 'hard' });
    expect(late.status).toBe('stale');
    expect(await findUserByClerkId(db, user.id as string)).toBeNull();
  });

  it('lets a delete that arrives before the create win', async () => {
    const { db } = use();
    const user = sampleClerkUser({ createdAt: T0 });
    expect((await deliver(db, sampleClerkEvent('user.deleted', user))).status).toBe('applied');
    expect((await deliver(db, sampleClerkEvent('user.created', user))).status).toBe('stale');
    expect(await findUserByClerkId(db, user.id as string)).toBeNull();
  });

  it('records unknown event types as ignored', async () => {
    const { db } = use();
    const before = await countRows(db);
    const result = await deliver(db, sampleClerkEvent('session.created', { id: 'sess_1' }), {
      svixId: 'msg_session',
    });
    expect(result.status).toBe('ignored');
    expect((await findWebhookEvent(db, 'msg_session'))?.status).toBe('ignored');
    expect(await countRows(db)).toEqual(before);
  });

  it.each([
    ['a body that is not JSON', '{"type": "user.created", "data": '],
    ['an envelope without data', JSON.stringify({ type: 'user.created' })],
    ['data without id', JSON.stringify({ type: 'user.created', data: { first_name: 'x' } })],
    [
      'a numeric name',
      JSON.stringify(sampleClerkEvent('user.created', { ...sampleClerkUser(), first_name: 1 })),
    ],
    [
      'an over-long email',
      JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser({ email: `${'a'.repeat(400)}@x.io` }))),
    ],
    ['a JSON array', '[1,2,3]'],
    [
      'a NUL character',
      JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser({ firstName: 'a\u0000' }))),
    ],
    ['user.deleted without id', JSON.stringify({ type: 'user.deleted', data: { deleted: true } })],
    // Past the JavaScript Date range (8.64e15 ms): an Invalid Date Postgres refuses, a 500 on every retry.
    ...(['created_at', 'updated_at', 'last_sign_in_at'] as const).map((field) => [
      `${field} beyond the Date range`,
      JSON.stringify(sampleClerkEvent('user.created', { ...sampleClerkUser(), [field]: 9e15 })),
    ]),
    [
      'a user.deleted timestamp beyond the Date range',
      JSON.stringify({ ...sampleClerkEvent('user.deleted', sampleClerkUser()), timestamp: 9e15 }),
    ],
    // Longer than a btree index entry can be (user_tombstones_pkey).
    [
      'a user.deleted id of 3,000 characters',
      JSON.stringify({ type: 'user.deleted', data: { id: `user_${'x'.repeat(3000)}` } }),
    ],
  ])('records %s as invalid with the reason, writing no user', async (_label, body) => {
    const { db } = use();
    const svixId = `msg_${randomUUID()}`;
    const before = await countRows(db);
    const result = await applyClerkEvent(db, { svixId, body });
    expect(result.status).toBe('invalid');
    expect(result.reason).toBeTruthy();
    expect(await countRows(db)).toEqual(before);
    expect(await findWebhookEvent(db, svixId)).toMatchObject({ status: 'invalid', error: result.reason });
  });

  it('keeps body content out of the reason it records for a body that is not JSON', async () => {
    const result = await applyClerkEvent(use().db, {
      svixId: `msg_${randomUUID()}`,
      body: '{"type":"user.created","data":{"first_name": PRIVATE_TEXT}}',
    });
    expect(result).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^body is not JSON/) });
    expect(result.reason).not.toContain('PRIVATE');
  });

  it('tries an invalid delivery again when it is redelivered', async () => {
    const { db } = use();
    const user = sampleClerkUser({ createdAt: T0 });
    const first = await applyClerkEvent(db, { svixId: 'msg_retry', body: '{"broken' });
    expect(first.status).toBe('invalid');
    const second = await deliver(db, sampleClerkEvent('user.created', user), { svixId: 'msg_retry' });
    expect(second.status).toBe('applied');
    expect(await findWebhookEvent(db, 'msg_retry')).toMatchObject({
      status: 'applied',
      attempts: 2,
      error: null,
    });
  });

  it('gives a new user the role of an invitation for its verified email, once', async () => {
    const { db } = use();
    await createInvitation(db, { email: 'Boss@Example.com', role: 'admin', data: { team: 'core' } });
    const first = sampleClerkUser({ email: 'boss@example.com', createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', first));
    expect(await findUserByClerkId(db, first.id as string)).toMatchObject({
      role: 'admin',
      app_metadata: { team: 'core' },
    });
    const second = sampleClerkUser({ email: 'boss@example.com', createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', second));
    expect((await findUserByClerkId(db, second.id as string))?.role).toBe('member');
  });

  it('never lets an unverified email claim an invitation', async () => {
    const { db } = use();
    await createInvitation(db, { email: 'target@example.com', role: 'admin' });
    const attacker = sampleClerkUser({ email: 'target@example.com', emailVerified: false, createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', attacker), { defaultRole: 'viewer' });
    expect((await findUserByClerkId(db, attacker.id as string))?.role).toBe('viewer');
    const open = await db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', 'target@example.com')
      .execute();
    expect(open).toMatchObject([{ claimed_at: null, claimed_by_user_id: null }]);
  });

  it('shows the latest deliveries with the documented query', async () => {
    const { db } = use();
    await deliver(db, sampleClerkEvent('user.created', sampleClerkUser()), { svixId: 'msg_latest' });
    const { rows } = await db.executeQuery<{ svix_id: string }>(
      db
        .selectFrom('webhook_events')
        .selectAll()
        .where('source', '=', 'clerk')
        .orderBy('created_at', 'desc')
        .limit(10)
        .compile(),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.svix_id)).toContain('msg_latest');
  });
});
