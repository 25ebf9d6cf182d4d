import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationInvitation,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { listActiveOrganizationsOfUser } from '../organizations/organization.repository.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
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

const membershipsOf = (db: Db, clerkUserId: string) =>
  db.selectFrom('organization_memberships').selectAll().where('clerk_user_id', '=', clerkUserId).execute();

describeEachDatabase('applyClerkEvent for organizations, memberships and invitations', (use) => {
  it('creates an organization, records the delivery, and answers a redelivery as duplicate', async () => {
    const { db } = use();
    const org = sampleClerkOrganization({
      name: 'Acme',
      slug: 'acme',
      createdAt: T0,
      publicMetadata: { plan: 'pro' },
    });
    const svixId = `msg_${randomUUID()}`;
    const result = await deliver(db, sampleClerkEvent('organization.created', org), { svixId });
    expect(result).toMatchObject({ status: 'applied', type: 'organization.created' });
    const row = await db
      .selectFrom('organizations')
      .selectAll()
      .where('clerk_id', '=', org.id as string)
      .executeTakeFirst();
    expect(row).toMatchObject({
      name: 'Acme',
      slug: 'acme',
      image_url: org.image_url,
      public_metadata: { plan: 'pro' },
      is_active: true,
      clerk_created_at: new Date(T0),
      clerk_updated_at: new Date(T0),
    });
    expect(await findWebhookEvent(db, svixId)).toMatchObject({
      status: 'applied',
      payload: expect.any(Object),
    });
    expect(await deliver(db, sampleClerkEvent('organization.created', org), { svixId })).toMatchObject({
      status: 'duplicate',
      reason: 'delivery already processed',
    });
    expect(await findWebhookEvent(db, svixId)).toMatchObject({ attempts: 1 });
    // Another delivery of the same version: nothing to do.
    expect(await deliver(db, sampleClerkEvent('organization.updated', org))).toMatchObject({
      status: 'duplicate',
      reason: 'this version of the organization is already stored',
    });
  });

  it('keeps the newer organization and records an older one as stale', async () => {
    const { db } = use();
    const id = `org_${randomUUID()}`;
    await deliver(
      db,
      sampleClerkEvent(
        'organization.updated',
        sampleClerkOrganization({ id, name: 'New', updatedAt: T0 + 10 }),
      ),
    );
    const stale = await deliver(
      db,
      sampleClerkEvent('organization.created', sampleClerkOrganization({ id, name: 'Old', createdAt: T0 })),
    );
    expect(stale).toMatchObject({
      status: 'stale',
      reason: 'a newer version of the organization is already stored',
    });
    const row = await db
      .selectFrom('organizations')
      .select('name')
      .where('clerk_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('New');
  });

  it('organization.deleted (soft) deactivates it, ends its memberships, and a late update cannot bring it back', async () => {
    const { db } = use();
    const org = sampleClerkOrganization({ createdAt: T0 });
    const user = sampleClerkUser({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('user.created', user));
    const membership = sampleClerkOrganizationMembership({
      organization: org,
      userId: user.id as string,
      createdAt: T0,
    });
    await deliver(db, sampleClerkEvent('organizationMembership.created', membership));
    expect(await listActiveOrganizationsOfUser(db, user.id as string)).toHaveLength(1);

    const deleted = await deliver(db, sampleClerkEvent('organization.deleted', org, { timestamp: T0 + 5 }));
    expect(deleted).toMatchObject({ status: 'applied' });
    expect(await membershipsOf(db, user.id as string)).toEqual([]);
    const row = await db
      .selectFrom('organizations')
      .selectAll()
      .where('clerk_id', '=', org.id as string)
      .executeTakeFirst();
    expect(row).toMatchObject({ is_active: false, deleted_at: new Date(T0 + 5) });
    expect(await listActiveOrganizationsOfUser(db, user.id as string)).toEqual([]);

    const late = sampleClerkOrganization({ id: org.id as string, createdAt: T0, updatedAt: T0 + 99 });
    expect(await deliver(db, sampleClerkEvent('organization.updated', late))).toMatchObject({
      status: 'stale',
      reason: 'the organization was deleted; deletion is final',
    });
    const lateMembership = sampleClerkOrganizationMembership({
      id: membership.id as string,
      organization: late,
      userId: user.id as string,
      updatedAt: T0 + 99,
    });
    expect(
      await deliver(db, sampleClerkEvent('organizationMembership.updated', lateMembership)),
    ).toMatchObject({
      status: 'stale',
    });
    expect(await membershipsOf(db, user.id as string)).toEqual([]);
    expect(await deliver(db, sampleClerkEvent('organization.deleted', org))).toMatchObject({
      status: 'duplicate',
      reason: 'the organization was already deleted',
    });
  });

  it('organization.deleted (hard) removes the row and its memberships', async () => {
    const { db } = use();
    const org = sampleClerkOrganization({ createdAt: T0 });
    const membership = sampleClerkOrganizationMembership({ organization: org, createdAt: T0 });
    await deliver(db, sampleClerkEvent('organizationMembership.created', membership));
    await deliver(db, sampleClerkEvent('organization.deleted', org), { deleteMode: 'hard' });
    const rows = await db
      .selectFrom('organizations')
      .select('id')
      .where('clerk_id', '=', org.id as string)
      .execute();
    expect(rows).toEqual([]);
    const members = await db
      .selectFrom('organization_memberships')
      .select('id')
      .where('clerk_organization_id', '=', org.id as string)
      .execute();
    expect(members).toEqual([]);
  });

  it('a membership before its organization and user creates the organization from the embedded object and links the user later', async () => {
    const { db } = use();
    const org = sampleClerkOrganization({ name: 'Embedded', createdAt: T0 });
    const user = sampleClerkUser({ createdAt: T0 });
    const membership = sampleClerkOrganizationMembership({
      organization: org,
      userId: user.id as string,
      role: 'org:admin',
      createdAt: T0,
    });
    expect(await deliver(db, sampleClerkEvent('organizationMembership.created', membership))).toMatchObject({
      status: 'applied',
    });
    const [before] = await membershipsOf(db, user.id as string);
    expect(before).toMatchObject({
      role: 'org:admin',
      user_id: null,
      organization_id: expect.any(String),
      clerk_payload: membership,
    });
    await deliver(db, sampleClerkEvent('user.created', user));
    const [after] = await membershipsOf(db, user.id as string);
    const userRow = await db
      .selectFrom('users')
      .select('id')
      .where('clerk_id', '=', user.id as string)
      .executeTakeFirstOrThrow();
    expect(after?.user_id).toBe(userRow.id);
    expect(await listActiveOrganizationsOfUser(db, user.id as string)).toEqual([
      { clerk_id: org.id, name: 'Embedded', slug: org.slug, image_url: org.image_url, role: 'org:admin' },
    ]);
  });

  it('organizationMembership.deleted leaves no row; a late created/updated stays out', async () => {
    const { db } = use();
    const membership = sampleClerkOrganizationMembership({ createdAt: T0 });
    const userId = (membership.public_user_data as { user_id: string }).user_id;
    // The delete first, then the create it follows in Clerk.
    expect(await deliver(db, sampleClerkEvent('organizationMembership.deleted', membership))).toMatchObject({
      status: 'applied',
    });
    expect(await deliver(db, sampleClerkEvent('organizationMembership.created', membership))).toMatchObject({
      status: 'stale',
      reason: 'the membership was deleted; deletion is final',
    });
    expect(await membershipsOf(db, userId)).toEqual([]);
    // A deleted payload with only an id is enough.
    const other = sampleClerkOrganizationMembership({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('organizationMembership.created', other));
    expect(
      await deliver(
        db,
        sampleClerkEvent('organizationMembership.deleted', {
          id: other.id,
          object: 'organization_membership',
          deleted: true,
        }),
      ),
    ).toMatchObject({ status: 'applied' });
    expect(
      await db
        .selectFrom('organization_memberships')
        .select('id')
        .where('clerk_id', '=', other.id as string)
        .execute(),
    ).toEqual([]);
  });

  it('user.deleted ends that user’s memberships (soft and hard)', async () => {
    const { db } = use();
    for (const deleteMode of ['soft', 'hard'] as const) {
      const user = sampleClerkUser({ createdAt: T0 });
      await deliver(db, sampleClerkEvent('user.created', user));
      for (let i = 0; i < 2; i++) {
        await deliver(
          db,
          sampleClerkEvent(
            'organizationMembership.created',
            sampleClerkOrganizationMembership({ userId: user.id as string, createdAt: T0 }),
          ),
        );
      }
      expect(await membershipsOf(db, user.id as string)).toHaveLength(2);
      await deliver(db, sampleClerkEvent('user.deleted', user), { deleteMode });
      expect(await membershipsOf(db, user.id as string)).toEqual([]);
      const tombstones = await db
        .selectFrom('organization_membership_tombstones')
        .select('clerk_id')
        .where('clerk_user_id', '=', user.id as string)
        .execute();
      expect(tombstones).toHaveLength(2);
      // A membership created for the deleted user later (a late delivery) stays out.
      const late = sampleClerkOrganizationMembership({ userId: user.id as string, createdAt: T0 + 1 });
      expect(await deliver(db, sampleClerkEvent('organizationMembership.created', late))).toMatchObject({
        status: 'stale',
        reason: 'the user was deleted; their memberships ended',
      });
    }
  });

  it('parses drifted membership payloads: role_key, user_id and organization_id at the top level', async () => {
    const { db } = use();
    const org = sampleClerkOrganization({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('organization.created', org));
    const {
      organization: _o,
      public_user_data: _p,
      role: _r,
      ...rest
    } = sampleClerkOrganizationMembership({ organization: org, createdAt: T0 });
    const drifted = { ...rest, role_key: 'org:admin', user_id: 'user_drifted', organization_id: org.id };
    expect(await deliver(db, sampleClerkEvent('organizationMembership.created', drifted))).toMatchObject({
      status: 'applied',
    });
    const [row] = await membershipsOf(db, 'user_drifted');
    expect(row).toMatchObject({ role: 'org:admin', clerk_organization_id: org.id, clerk_payload: drifted });
  });

  it('records unusable organization payloads as invalid, naming the field, and writes nothing', async () => {
    const { db } = use();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [sampleClerkEvent('organization.created', { id: 'org_x', name: 42, updated_at: T0 }), /data\.name/],
      [
        sampleClerkEvent('organization.created', { ...sampleClerkOrganization(), name: 'n'.repeat(300) }),
        /data\.name: longer than 256/,
      ],
      [
        sampleClerkEvent('organizationMembership.created', {
          id: 'orgmem_x',
          role: 'org:admin',
          updated_at: T0,
        }),
        /organization\.id: required.*user_id: required/,
      ],
      [
        sampleClerkEvent('organizationMembership.created', {
          ...sampleClerkOrganizationMembership(),
          role: null,
          role_key: undefined,
        }),
        /data\.role: required/,
      ],
      [
        sampleClerkEvent('organizationInvitation.created', {
          id: 'orginv_x',
          role: 'org:member',
          updated_at: T0,
        }),
        /email_address/,
      ],
    ];
    for (const [event, reason] of cases) {
      const svixId = `msg_${randomUUID()}`;
      const result = await deliver(db, event, { svixId });
      expect(result.status).toBe('invalid');
      expect(result.reason).toMatch(reason);
      expect(await findWebhookEvent(db, svixId)).toMatchObject({ status: 'invalid' });
    }
    const counts = await Promise.all(
      (['organizations', 'organization_memberships', 'organization_invitations'] as const).map(
        async (table) =>
          (
            await db
              .selectFrom(table)
              .select('clerk_id')
              .where('clerk_id', 'in', ['org_x', 'orgmem_x', 'orginv_x'])
              .execute()
          ).length,
      ),
    );
    expect(counts).toEqual([0, 0, 0]);
  });

  it('keeps invitations with their status: newer wins, and accepted beats pending at the same instant', async () => {
    const { db } = use();
    const org = sampleClerkOrganization({ createdAt: T0 });
    const invitation = sampleClerkOrganizationInvitation({
      organizationId: org.id as string,
      email: 'grace@example.com',
      createdAt: T0,
    });
    const accepted = { ...invitation, status: 'accepted', updated_at: T0 + 10 };
    const revokedEarlier = { ...invitation, status: 'revoked', updated_at: T0 + 5 };
    expect(await deliver(db, sampleClerkEvent('organizationInvitation.accepted', accepted))).toMatchObject({
      status: 'applied',
    });
    expect(await deliver(db, sampleClerkEvent('organizationInvitation.created', invitation))).toMatchObject({
      status: 'stale',
    });
    expect(
      await deliver(db, sampleClerkEvent('organizationInvitation.revoked', revokedEarlier)),
    ).toMatchObject({ status: 'stale' });
    const row = await db
      .selectFrom('organization_invitations')
      .selectAll()
      .where('clerk_id', '=', invitation.id as string)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'accepted',
      email: 'grace@example.com',
      role: 'org:member',
      clerk_organization_id: org.id,
    });

    const other = sampleClerkOrganizationInvitation({ createdAt: T0 });
    await deliver(db, sampleClerkEvent('organizationInvitation.created', other));
    // Same updated_at, final status, and no status in the payload at all: the event names it.
    const { status: _, ...withoutStatus } = other;
    expect(
      await deliver(db, sampleClerkEvent('organizationInvitation.revoked', withoutStatus)),
    ).toMatchObject({ status: 'applied' });
    const revoked = await db
      .selectFrom('organization_invitations')
      .select('status')
      .where('clerk_id', '=', other.id as string)
      .executeTakeFirstOrThrow();
    expect(revoked.status).toBe('revoked');
  });

  it('answers role.*, permission.* and session.* as ignored', async () => {
    const { db } = use();
    for (const type of [
      'role.created',
      'permission.updated',
      'session.created',
      'organizationDomain.created',
    ]) {
      const result = await deliver(db, { type, object: 'event', data: { id: 'x_1' }, timestamp: T0 });
      expect(result).toMatchObject({ status: 'ignored', reason: `event type ${type} is not handled` });
    }
  });
});
