import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationInvitation,
  sampleClerkOrganizationMembership,
  sampleClerkSubscription,
  sampleClerkSubscriptionItem,
  sampleClerkUser,
} from '../clerk/sample-clerk-payloads.ts';
import type { Db } from '../db/create-database.ts';
import { replayWebhookEvent } from '../reconcile/replay-webhook-event.ts';
import { applyClerkEvent } from '../sync/apply-clerk-event.ts';
import { USER_DELETE_MODES, type UserDeleteMode } from '../sync/sync-options.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { redactExpiredPayloads } from '../webhook-events/webhook-event.repository.ts';
import { anonymizeUser } from './anonymize-user.ts';
import { exportUserData } from './export-user.ts';

const T0 = 1_760_000_000_000;
const DAY = 86_400_000;

function deliver(db: Db, event: Record<string, unknown>, deleteMode: UserDeleteMode = 'soft') {
  return applyClerkEvent(db, { svixId: `msg_${randomUUID()}`, body: JSON.stringify(event) }, { deleteMode });
}

/** A person with strings found nowhere else, and every kind of delivery that names them. */
async function personWithDeliveries(db: Db, deleteMode: UserDeleteMode = 'soft') {
  const tag = randomUUID().replaceAll('-', '').slice(0, 12);
  const person = {
    id: `user_${tag}`,
    email: `zelda.${tag}@example.com`,
    firstName: `Zelda${tag}`,
    lastName: `Hyrule${tag}`,
    username: `zelda${tag}`,
    phone: `+1555${tag.replace(/\D/g, '').padEnd(7, '7').slice(0, 7)}`,
  };
  const user = sampleClerkUser({
    ...person,
    phoneVerified: true,
    publicMetadata: { secretHobby: `hobby${tag}` },
    createdAt: T0,
    updatedAt: T0,
  });
  const organization = sampleClerkOrganization({ id: `org_${tag}`, createdAt: T0 });
  const membership = {
    ...sampleClerkOrganizationMembership({ organization, userId: person.id, createdAt: T0 }),
    public_user_data: {
      user_id: person.id,
      first_name: person.firstName,
      last_name: person.lastName,
      identifier: person.email,
      username: person.username,
      image_url: `https://img.clerk.com/${tag}.png`,
      has_image: true,
    },
  };
  const invitation = sampleClerkOrganizationInvitation({
    organizationId: organization.id as string,
    email: person.email,
    createdAt: T0,
  });
  const item = sampleClerkSubscriptionItem({ payerId: person.id });
  (item.payer as Record<string, unknown>).email = person.email;
  (item.payer as Record<string, unknown>).first_name = person.firstName;
  const subscription = sampleClerkSubscription({ payerId: person.id, updatedAt: T0, items: [item] });
  (subscription.payer as Record<string, unknown>).email = person.email;
  for (const event of [
    sampleClerkEvent('user.created', user),
    sampleClerkEvent('organization.created', organization),
    sampleClerkEvent('organizationMembership.created', membership),
    sampleClerkEvent('organizationInvitation.created', invitation),
    sampleClerkEvent('subscription.created', subscription),
  ]) {
    expect((await deliver(db, event, deleteMode)).status).toBe('applied');
  }
  await sql`INSERT INTO invitations (email, role) VALUES (${person.email.toLowerCase()}, 'admin')`.execute(
    db,
  );
  await sql`INSERT INTO audit_log (actor, actor_email, action, target_type, target_id)
    VALUES (${person.id}, ${person.email}, 'user.role_changed', 'user', 'user_someone_else')`.execute(db);
  const secrets = [
    person.email,
    person.firstName,
    person.lastName,
    person.username,
    person.phone,
    `hobby${tag}`,
  ];
  return { person, user, secrets };
}

/** Every row of every table, as text: what a dump would hold. */
async function dump(db: Db): Promise<string> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
  `.execute(db);
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ t: string }>`SELECT t::text AS t FROM ${sql.table(name)} t`.execute(db);
    parts.push(...rows.map((r) => r.t));
  }
  return parts.join('\n');
}

async function payloadsText(db: Db): Promise<string> {
  const { rows } = await sql<{ t: string | null }>`SELECT payload::text AS t FROM webhook_events`.execute(db);
  return rows.map((r) => r.t ?? '').join('\n');
}

describeEachDatabase('privacy: deletion, anonymize, retention, export', (use) => {
  for (const mode of USER_DELETE_MODES) {
    it(`after user.deleted (${mode}) no stored payload holds the person; the delivery records stay`, async () => {
      const { db } = use();
      const { person, secrets } = await personWithDeliveries(db, mode);
      expect(await payloadsText(db)).toContain(person.email);
      const { count: before } = await db
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      expect((await deliver(db, sampleClerkEvent('user.deleted', { id: person.id }), mode)).status).toBe(
        'applied',
      );
      const payloads = await payloadsText(db);
      for (const secret of secrets) expect(payloads).not.toContain(secret);
      const { count: after } = await db
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(after)).toBe(Number(before) + 1);
      // A late delivery about them is stored already redacted.
      const late = sampleClerkUser({
        id: person.id,
        email: person.email,
        firstName: person.firstName,
        updatedAt: T0 + 1000,
      });
      expect((await deliver(db, sampleClerkEvent('user.updated', late), mode)).status).toBe('stale');
      expect(await payloadsText(db)).not.toContain(person.email);
      if (mode === 'anonymize') {
        const everything = await dump(db);
        for (const secret of secrets) expect(everything).not.toContain(secret);
        const row = await db
          .selectFrom('users')
          .selectAll()
          .where('clerk_id', '=', person.id)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          is_active: false,
          email: null,
          first_name: null,
          deleted_at: expect.any(Date),
        });
      }
    });
  }

  it('anonymizeUser (erase) works before the webhook, which is then a duplicate', async () => {
    const { db } = use();
    const { person, secrets } = await personWithDeliveries(db);
    expect(await anonymizeUser(db, person.id)).toBe(false);
    const everything = await dump(db);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(await deliver(db, sampleClerkEvent('user.deleted', { id: person.id }), 'hard')).toMatchObject({
      status: 'duplicate',
    });
  });

  it('redacts settled payloads past the retention, keeps failed and invalid ones', async () => {
    const { db } = use();
    const old = new Date(Date.now() - 40 * DAY);
    const payload = JSON.stringify(
      sampleClerkEvent('user.created', sampleClerkUser({ email: 'old@example.com' })),
    );
    await db
      .insertInto('webhook_events')
      .values(
        (['applied', 'stale', 'failed', 'invalid'] as const).map((status) => ({
          svix_id: `msg_retention_${status}`,
          status,
          type: 'user.created',
          clerk_user_id: 'user_old',
          payload,
          error: null,
          processed_at: old,
          created_at: old,
        })),
      )
      .execute();
    const before = new Date(Date.now() - 30 * DAY);
    expect(await redactExpiredPayloads(db, { before, dryRun: true })).toBeGreaterThanOrEqual(2);
    expect(await redactExpiredPayloads(db, { before })).toBeGreaterThanOrEqual(2);
    const rows = await db
      .selectFrom('webhook_events')
      .select(['svix_id', 'payload', 'payload_redacted_at'])
      .where('svix_id', 'like', 'msg_retention_%')
      .orderBy('svix_id')
      .execute();
    const byId = Object.fromEntries(rows.map((r) => [r.svix_id, r]));
    for (const kept of ['failed', 'invalid']) {
      expect(JSON.stringify(byId[`msg_retention_${kept}`]!.payload)).toContain('old@example.com');
    }
    for (const redacted of ['applied', 'stale']) {
      const row = byId[`msg_retention_${redacted}`]!;
      expect(row.payload_redacted_at).toBeInstanceOf(Date);
      expect(row.payload).toMatchObject({ type: 'user.created', redacted: true, data: { object: 'user' } });
      expect(JSON.stringify(row.payload)).not.toContain('old@example.com');
    }
    expect(await redactExpiredPayloads(db, { before })).toBe(0);
    await expect(replayWebhookEvent(db, 'msg_retention_applied')).rejects.toThrow(/redacted for privacy/);
  });

  it('exports everything stored about a person, without payloads', async () => {
    const { db } = use();
    const { person } = await personWithDeliveries(db);
    const document = await exportUserData(db, person.id);
    expect(document).toMatchObject({
      clerkId: person.id,
      user: { clerk_id: person.id, email: person.email, first_name: person.firstName },
      settings: { theme: 'system' },
      deletedAt: null,
      organizationMemberships: [{ clerk_user_id: person.id }],
      organizationInvitations: [{ email: person.email }],
      invitations: [{ email: person.email.toLowerCase() }],
      billing: { subscriptions: [{ clerk_user_id: person.id }], items: [{ clerk_user_id: person.id }] },
      auditEntries: [{ actor: person.id }],
    });
    expect(document!.deliveries.map((d) => d.type).sort()).toEqual([
      'organizationInvitation.created',
      'organizationMembership.created',
      'subscription.created',
      'user.created',
    ]);
    expect(document!.deliveries.every((d) => !('payload' in d))).toBe(true);
    expect(await exportUserData(db, 'user_never_seen')).toBeNull();
  });
});
