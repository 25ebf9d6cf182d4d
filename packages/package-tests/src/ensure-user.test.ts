import { isClerkAPIResponseError } from '@clerk/backend/errors';
import {
  ClerkUserDeletedError,
  createClerkWebhookHandler,
  ensureUser,
  findUserByClerkId,
} from '@usersync/core';
import {
  type ClerkStandIns,
  sampleClerkEvent,
  sampleClerkUser,
  startClerkStandIns,
} from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { signSvixDelivery } from '@usersync/testing/svix';
import { afterAll, beforeAll, expect, it } from 'vitest';

// ensureUser: the row when it is there, else the user read from Clerk (the Backend API stand-in) and
// applied under the webhook's rules; deleted users stay deleted.

describeEachDatabase('ensureUser', (use) => {
  let clerk: ClerkStandIns;
  const options = () => ({ secretKey: clerk.keys.secretKey, apiUrl: clerk.clerkApi.url });
  const clerkReads = () => clerk.clerkApi.requests.filter((r) => r.startsWith('GET /v1/users/')).length;

  beforeAll(async () => {
    clerk = await startClerkStandIns();
  });
  afterAll(() => clerk?.close());

  it('reads a user the webhook has not brought from Clerk, once; then finds the row', async () => {
    clerk.clerkApi.users.set(
      'user_ensure_new',
      sampleClerkUser({ id: 'user_ensure_new', email: 'new@example.com' }),
    );
    const before = clerkReads();
    const first = await ensureUser(use().db, 'user_ensure_new', { ...options(), defaultRole: 'viewer' });
    expect(first.status).toBe('created');
    expect(first.user).toMatchObject({
      clerk_id: 'user_ensure_new',
      email: 'new@example.com',
      role: 'viewer',
    });
    const second = await ensureUser(use().db, 'user_ensure_new', options());
    expect(second).toEqual({ status: 'existing', user: first.user });
    expect(clerkReads() - before).toBe(1);
  });

  it('brings back a row deactivated as missing from Clerk: updated', async () => {
    const user = sampleClerkUser({ id: 'user_ensure_back' });
    clerk.clerkApi.users.set('user_ensure_back', user);
    await ensureUser(use().db, 'user_ensure_back', options());
    await use()
      .db.updateTable('users')
      .set({ is_active: false })
      .where('clerk_id', '=', 'user_ensure_back')
      .execute();
    const back = await ensureUser(use().db, 'user_ensure_back', options());
    expect(back.status).toBe('updated');
    expect(back.user.is_active).toBe(true);
  });

  it('a user deleted by a webhook stays deleted, without asking Clerk', async () => {
    const handler = createClerkWebhookHandler({ db: use().db, signingSecret: clerk.webhookSecret });
    for (const type of ['user.created', 'user.deleted']) {
      const body = JSON.stringify(sampleClerkEvent(type, sampleClerkUser({ id: 'user_ensure_gone' })));
      const answer = await handler(
        new Request('http://localhost/', {
          method: 'POST',
          headers: signSvixDelivery(clerk.webhookSecret, body),
          body,
        }),
      );
      expect(await answer.json()).toEqual({ status: 'applied' });
    }
    clerk.clerkApi.users.set('user_ensure_gone', sampleClerkUser({ id: 'user_ensure_gone' }));
    const before = clerkReads();
    await expect(ensureUser(use().db, 'user_ensure_gone', options())).rejects.toBeInstanceOf(
      ClerkUserDeletedError,
    );
    expect(clerkReads()).toBe(before);
  });

  it('a user Clerk does not have (404) is deleted; a Clerk outage is thrown; neither writes a row', async () => {
    await expect(ensureUser(use().db, 'user_ensure_unknown', options())).rejects.toBeInstanceOf(
      ClerkUserDeletedError,
    );
    clerk.clerkApi.users.set('user_ensure_outage', sampleClerkUser({ id: 'user_ensure_outage' }));
    clerk.clerkApi.setFault(() => ({ status: 503 }));
    try {
      const failure = await ensureUser(use().db, 'user_ensure_outage', options()).catch(
        (error: unknown) => error,
      );
      expect(isClerkAPIResponseError(failure) && failure.status).toBe(503);
    } finally {
      clerk.clerkApi.setFault(undefined);
    }
    expect(await findUserByClerkId(use().db, 'user_ensure_unknown')).toBeNull();
    expect(await findUserByClerkId(use().db, 'user_ensure_outage')).toBeNull();
  });
});
