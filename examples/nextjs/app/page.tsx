import { auth } from '@clerk/nextjs/server';
import { ClerkUserDeletedError, ensureUser, listActiveOrganizationsOfUser } from '@usersync/core';
import { clerkBackend, usersyncDb } from '@/lib/usersync';

// Read per request: the signed-in user's own row.
export const dynamic = 'force-dynamic';

export default async function Home() {
  const { userId } = await auth();
  if (!userId) {
    return (
      <main>
        <h1>usersync + Next.js</h1>
        <p>Not signed in. Sign in with Clerk to see your row.</p>
      </main>
    );
  }
  const db = await usersyncDb();
  // The row when the webhook brought it; else read from Clerk's Backend API now, under the same rules.
  const ensured = await ensureUser(db, userId, clerkBackend()).catch((error: unknown) => {
    if (error instanceof ClerkUserDeletedError) return null;
    throw error;
  });
  if (!ensured) {
    return (
      <main>
        <h1>This account has been deleted</h1>
      </main>
    );
  }
  const { status, user } = ensured;
  const organizations = await listActiveOrganizationsOfUser(db, userId);
  return (
    <main>
      <h1>Signed in as {user.email ?? user.clerk_id}</h1>
      <p data-testid="sync-status">Row {status}</p>
      <dl>
        <dt>users.id</dt>
        <dd data-testid="user-id">{user.id}</dd>
        <dt>Clerk id</dt>
        <dd data-testid="clerk-id">{user.clerk_id}</dd>
        <dt>Name</dt>
        <dd data-testid="name">{[user.first_name, user.last_name].filter(Boolean).join(' ')}</dd>
        <dt>Role</dt>
        <dd data-testid="role">{user.role}</dd>
      </dl>
      <h2>Organizations</h2>
      <ul data-testid="organizations">
        {organizations.map((organization) => (
          <li key={organization.clerk_id}>
            {organization.name} ({organization.role})
          </li>
        ))}
      </ul>
    </main>
  );
}
