// Type-checked by a strict TypeScript (module and moduleResolution nodenext) against the installed
// package: the root entry's types resolve, and misuse is a compile error.
import {
  type ApplyResult,
  applyClerkEvent,
  ClerkUserDeletedError,
  createClerkWebhookHandler,
  createDatabase,
  type Db,
  type EnsureUserResult,
  ensureUser,
  findUserByClerkId,
  findUserById,
  isDatabaseUnavailableError,
  listActiveOrganizationsOfUser,
  migrateToLatest,
  syncUserFromClerk,
  type UserWithSettings,
} from '@usersync/core';

const { db, close }: { db: Db; close: () => Promise<void> } = createDatabase({
  kind: 'postgres',
  url: 'postgres://localhost/app',
});

export const POST: (request: Request) => Promise<Response> = createClerkWebhookHandler({
  db,
  signingSecret: 'whsec_x',
  deleteMode: 'soft',
});

export async function signedIn(clerkUserId: string): Promise<string> {
  await migrateToLatest(db);
  try {
    const { status, user }: EnsureUserResult = await ensureUser(db, clerkUserId, { secretKey: 'sk_test_x' });
    const organizations = await listActiveOrganizationsOfUser(db, user.clerk_id);
    const again: UserWithSettings | null = await findUserById(db, user.id);
    return `${status} ${user.email ?? ''} ${organizations.map((o) => o.name).join()} ${again?.settings.theme}`;
  } catch (error) {
    if (error instanceof ClerkUserDeletedError) return error.clerkUserId;
    if (isDatabaseUnavailableError(error)) return 'retry';
    throw error;
  } finally {
    await close();
  }
}

export async function apply(body: string): Promise<ApplyResult['status']> {
  const result = await applyClerkEvent(db, { svixId: 'msg_1', body });
  await syncUserFromClerk(db, { id: 'user_1' });
  return (await findUserByClerkId(db, 'user_1'))?.clerk_id === 'user_1' ? result.status : 'invalid';
}

// @ts-expect-error the status is one of five outcomes, not any string
export const wrong: ApplyResult['status'] = 'maybe';
