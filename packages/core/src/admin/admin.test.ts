import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { listAuditLog } from '../audit-log/audit-log.repository.ts';
import { sampleClerkEvent, sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import { applyClerkEvent } from '../sync/apply-clerk-event.ts';
import { syncUserFromClerk } from '../sync/sync-user-from-clerk.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findUserByClerkId, searchUsers } from '../users/user.repository.ts';
import { listWebhookEvents } from '../webhook-events/webhook-event.repository.ts';
import { changeUserRole, LastAdminError, UnknownRoleError } from './change-user-role.ts';
import { membershipsOfUser } from './optional-tables.ts';
import { promoteListedAdmin } from './promote-listed-admin.ts';
import { readAdminOverview } from './read-overview.ts';
import { DEFAULT_ROLES, parseEmailList, parseRoleList } from './roles.ts';

const ROLES = [...DEFAULT_ROLES];
let n = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(n++).toString(36)}`;

describeEachDatabase('admin', (use) => {
  async function user(options: Parameters<typeof sampleClerkUser>[0] = {}) {
    const clerkUser = sampleClerkUser({ id: unique('user_adm'), ...options });
    await syncUserFromClerk(use().db, clerkUser);
    return clerkUser.id as string;
  }

  it('ADMIN_EMAILS promotes a verified listed email once, with an audit entry; never an unverified one', async () => {
    const { db } = use();
    const listed = await user({ email: 'Boss@Example.com' });
    const unverified = await user({ email: 'boss2@example.com', emailVerified: false });
    const other = await user({ email: 'someone@example.com' });
    const list = ['boss@example.com', 'boss2@example.com'];
    expect(await promoteListedAdmin(db, listed, list)).toBe(true);
    expect(await promoteListedAdmin(db, listed, list)).toBe(false);
    expect(await promoteListedAdmin(db, unverified, list)).toBe(false);
    expect(await promoteListedAdmin(db, other, list)).toBe(false);
    expect(await promoteListedAdmin(db, other, [])).toBe(false);
    expect((await findUserByClerkId(db, listed))?.role).toBe('admin');
    expect((await findUserByClerkId(db, unverified))?.role).toBe('member');
    const audit = await listAuditLog(db, { targetId: listed });
    expect(audit.items).toMatchObject([
      {
        actor: 'system:ADMIN_EMAILS',
        action: 'user.role_changed',
        before: { role: 'member' },
        after: { role: 'admin' },
      },
    ]);
  });

  it('changes a role with an audit entry, refuses unknown roles and demoting the last admin', async () => {
    const { db } = use();
    // Start from no admins at all in this database section.
    await db.updateTable('users').set({ role: 'member' }).where('role', '=', 'admin').execute();
    const a = await user();
    const b = await user();
    const actor = { actor: 'cli:test' };
    await expect(changeUserRole(db, { clerkId: a, role: 'owner', roles: ROLES, ...actor })).rejects.toThrow(
      UnknownRoleError,
    );
    const promoted = await changeUserRole(db, { clerkId: a, role: 'admin', roles: ROLES, ...actor });
    expect(promoted).toMatchObject({ changed: true, previousRole: 'member', user: { role: 'admin' } });
    await expect(changeUserRole(db, { clerkId: a, role: 'member', roles: ROLES, ...actor })).rejects.toThrow(
      LastAdminError,
    );
    expect((await findUserByClerkId(db, a))?.role).toBe('admin');
    await changeUserRole(db, { clerkId: b, role: 'admin', roles: ROLES, ...actor });

    // Two admins demoting each other at the same time: exactly one wins, one admin stays.
    const results = await Promise.allSettled([
      changeUserRole(db, { clerkId: a, role: 'member', roles: ROLES, actor: b }),
      changeUserRole(db, { clerkId: b, role: 'member', roles: ROLES, actor: a }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(LastAdminError);
    const admins = await searchUsers(db, { role: 'admin' });
    expect(admins.items).toHaveLength(1);
  });

  it('rolls the role and its audit entry back when beforeCommit throws', async () => {
    const { db } = use();
    const id = await user();
    const before = (await listAuditLog(db, { targetId: id })).items.length;
    await expect(
      changeUserRole(db, {
        clerkId: id,
        role: 'admin',
        roles: ROLES,
        actor: 'cli:test',
        beforeCommit: async ({ user: changed }) => {
          expect(changed.role).toBe('admin');
          throw new Error('Clerk is down');
        },
      }),
    ).rejects.toThrow('Clerk is down');
    expect((await findUserByClerkId(db, id))?.role).toBe('member');
    expect((await listAuditLog(db, { targetId: id })).items).toHaveLength(before);
  });

  it('pages and filters users and deliveries with cursors', async () => {
    const { db } = use();
    const tag = unique('pager');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await user({ email: `${tag}${i}@example.com` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await searchUsers(db, { q: tag, limit: 2, cursor });
      seen.push(...page.items.map((u) => u.clerk_id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await searchUsers(db, { q: ids[0], status: 'deleted' })).items).toEqual([]);

    for (const id of ids.slice(0, 3)) {
      await applyClerkEvent(db, {
        svixId: unique('msg'),
        body: JSON.stringify(
          sampleClerkEvent(
            'user.updated',
            sampleClerkUser({ id, email: `${tag}@x.io`, updatedAt: Date.now() + 1000 }),
          ),
        ),
      });
    }
    const first = await listWebhookEvents(db, { q: tag, limit: 2, status: 'applied' });
    expect(first.items).toHaveLength(2);
    const second = await listWebhookEvents(db, { q: tag, limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.clerk_user_id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await listWebhookEvents(db, { clerkUserId: ids[1] })).items).toHaveLength(1);
  });

  it('reads the overview: users, deliveries by status, unrecovered failures, lag percentiles', async () => {
    const { db } = use();
    const now = Date.now();
    const id = await user();
    const event = (at: number) => ({
      ...sampleClerkEvent('user.updated', sampleClerkUser({ id, updatedAt: at })),
      timestamp: at,
    });
    await applyClerkEvent(db, { svixId: unique('msg_ok'), body: JSON.stringify(event(now - 2000)) });
    const invalidId = unique('msg_bad');
    await applyClerkEvent(db, {
      svixId: invalidId,
      body: JSON.stringify({ type: 'user.updated', data: { id }, object: 'event', timestamp: now }),
    });
    const overview = await readAdminOverview(db);
    expect(overview.users.active).toBeGreaterThan(0);
    // The organizations and reconcile_runs tables exist (migrations 0200, 0300), empty in this database.
    expect(overview.organizations).toBe(0);
    expect(overview.lastReconcileRun).toBeNull();
    expect(overview.deliveries.byStatusAndType).toContainEqual({
      status: 'invalid',
      type: 'user.updated',
      count: expect.any(Number),
    });
    expect(overview.deliveries.unrecovered.latest.map((e) => e.svix_id)).toContain(invalidId);
    expect(overview.deliveries.lag.samples).toBeGreaterThan(0);
    // Lags of about 2 s and 0 s: p95 interpolates to about 1.9 s.
    expect(overview.deliveries.lag.p95Ms).toBeGreaterThan(1500);
    expect(overview.deliveries.lag.p50Ms).toBeLessThan(overview.deliveries.lag.p95Ms!);
    expect(overview.deliveries.perHour.length).toBeGreaterThan(0);
    expect(overview.deliveries.lastDeliveryAt).toBeInstanceOf(Date);
  });

  it('reads organizations, memberships and the last reconcile run from their tables', async () => {
    const { db } = use();
    const id = await user();
    const row = await findUserByClerkId(db, id);
    expect(await membershipsOfUser(db, row!)).toEqual([]);
    const org = unique('org');
    await sql`INSERT INTO organizations (clerk_id, name, deleted_at) VALUES (${org}, 'Acme', NULL), (${unique('org')}, 'Gone', now())`.execute(
      db,
    );
    await sql`INSERT INTO organization_memberships (clerk_id, clerk_organization_id, clerk_user_id, role)
      VALUES (${unique('orgmem')}, ${org}, ${id}, 'org:admin'), (${unique('orgmem')}, ${org}, ${unique('user')}, 'org:member')`.execute(
      db,
    );
    await sql`INSERT INTO reconcile_runs (kind, trigger, dry_run, status, started_at)
      VALUES ('full', 'cli', false, 'failed', now() - interval '1 day'), ('incremental', 'schedule', false, 'succeeded', now())`.execute(
      db,
    );
    const overview = await readAdminOverview(db);
    expect(overview.organizations).toBe(1);
    expect(overview.lastReconcileRun).toMatchObject({ status: 'succeeded' });
    expect(await membershipsOfUser(db, row!)).toEqual([
      expect.objectContaining({ clerk_user_id: id, clerk_organization_id: org, role: 'org:admin' }),
    ]);
  });
});

it('parses ROLES and ADMIN_EMAILS', () => {
  expect(parseRoleList(' member, admin ,editor')).toEqual({ roles: ['member', 'admin', 'editor'] });
  expect(parseRoleList('member')).toEqual({ problem: 'must include admin' });
  expect(parseRoleList('admin,bad role')).toHaveProperty('problem');
  expect(parseEmailList('A@B.co, c@d.io')).toEqual({ emails: ['a@b.co', 'c@d.io'] });
  expect(parseEmailList('nope')).toHaveProperty('problem');
});
