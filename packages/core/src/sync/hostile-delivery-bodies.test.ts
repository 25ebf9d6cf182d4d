import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { findWebhookEvent } from '../webhook-events/webhook-event.repository.ts';
import { applyClerkEvent } from './apply-clerk-event.ts';

// Correctly signed bodies that are still hostile (found by bench/faults/hostile-input.test.ts): each is
// recorded as `invalid` without its payload, never thrown (which the API would answer with a 500).
const bodies: Record<string, string> = {
  'an unpaired high surrogate': '{"type":"user.created","data":{"id":"user_1","first_name":"\\ud800"}}',
  'an unpaired low surrogate in a key': '{"type":"user.updated","data":{"\\udc00":1,"id":"user_1"}}',
  'nesting far deeper than JSON.stringify can follow': `{"type":"user.created","data":{"id":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
  'nesting just past the limit': `{"type":"x","data":{"a":${'['.repeat(1000)}${']'.repeat(1000)}}}`,
  'an organization name with an unpaired surrogate':
    '{"type":"organization.created","data":{"id":"org_1","name":"\\ud800x","updated_at":1}}',
  'membership metadata nested past the limit': `{"type":"organizationMembership.created","data":{"id":"orgmem_1","role":"org:admin","public_metadata":{"a":${'['.repeat(1001)}${']'.repeat(1001)}}}}`,
  'an invitation email with an unpaired low surrogate':
    '{"type":"organizationInvitation.created","data":{"id":"orginv_1","email_address":"\\udc00@x","role":"r","organization_id":"org_1","updated_at":1}}',
};

describeEachDatabase('applyClerkEvent with hostile signed bodies', (use) => {
  for (const [name, body] of Object.entries(bodies)) {
    it(`records ${name} as invalid, with no payload and no row`, async () => {
      const { db } = use();
      const svixId = `msg_${randomUUID()}`;
      const result = await applyClerkEvent(db, { svixId, body });
      expect(result.status).toBe('invalid');
      expect(result.reason).toMatch(/surrogate|nested deeper/);
      expect(await findWebhookEvent(db, svixId)).toMatchObject({ status: 'invalid', payload: null });
      const users = await db.selectFrom('users').select('id').execute();
      expect(users).toEqual([]);
      for (const table of [
        'organizations',
        'organization_memberships',
        'organization_invitations',
      ] as const) {
        expect(await db.selectFrom(table).select('id').execute()).toEqual([]);
      }
    });
  }

  it('keeps a well-formed astral character and an escaped backslash before "ud800"', async () => {
    const { db } = use();
    const svixId = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'session.created', data: { id: 'sess_1', note: '😀 \\ud800' } });
    const result = await applyClerkEvent(db, { svixId, body });
    expect(result.status).toBe('ignored');
    expect(await findWebhookEvent(db, svixId)).toMatchObject({ payload: JSON.parse(body) });
  });
});
