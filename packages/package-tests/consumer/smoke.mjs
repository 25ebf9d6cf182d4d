// A fresh project's first use of the installed package, in plain JavaScript (Node 20 has no type
// stripping): migrate, apply a signed delivery through the Fetch API handler, get a user through
// ensureUser, read the rows. Prints one JSON line for the test to check. Everything comes from outside:
// DATABASE_URL (an empty database), the Clerk stand-in's URL and keys, a delivery signed by the test.
import {
  ClerkUserDeletedError,
  createClerkWebhookHandler,
  createDatabase,
  ensureUser,
  findUserByClerkId,
  migrateToLatest,
} from '@usersync/core';

const env = process.env;
const delivery = JSON.parse(env.DELIVERY);
const database = createDatabase({ kind: 'postgres', url: env.DATABASE_URL });
try {
  await migrateToLatest(database.db);
  const handler = createClerkWebhookHandler({ db: database.db, signingSecret: env.SIGNING_SECRET });
  const answer = await handler(
    new Request('http://localhost/api/webhooks/clerk', {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    }),
  );
  const forged = await handler(
    new Request('http://localhost/api/webhooks/clerk', {
      method: 'POST',
      headers: { ...delivery.headers, 'svix-signature': 'v1,AAAA' },
      body: delivery.body,
    }),
  );
  const clerk = { secretKey: env.CLERK_SECRET_KEY, apiUrl: env.CLERK_API_URL };
  const ensured = await ensureUser(database.db, env.ENSURE_USER_ID, clerk);
  const deleted = await ensureUser(database.db, 'user_not_in_clerk', clerk).catch((error) => error);
  const embedded = createDatabase({ kind: 'pglite' });
  const withoutPglite = await migrateToLatest(embedded.db).catch((error) => error.message);
  await embedded.close().catch(() => {});
  console.log(
    JSON.stringify({
      node: process.versions.node,
      webhook: { status: answer.status, body: await answer.json() },
      forged: forged.status,
      delivered: (await findUserByClerkId(database.db, delivery.userId))?.email ?? null,
      ensured: { status: ensured.status, clerkId: ensured.user.clerk_id, email: ensured.user.email },
      deleted: deleted instanceof ClerkUserDeletedError,
      withoutPglite,
    }),
  );
} finally {
  await database.close();
}
