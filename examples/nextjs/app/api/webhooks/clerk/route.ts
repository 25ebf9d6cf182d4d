import { createClerkWebhookHandler } from '@usersync/core';
import { usersyncDb } from '@/lib/usersync';

// Clerk → Svix → here. The handler verifies the signature on the exact bytes received and applies the
// delivery: 200 with the outcome, 400 bad or missing signature, 422 unusable payload (recorded), 503 while
// the database is unavailable (Svix retries). Set CLERK_WEBHOOK_SIGNING_SECRET from the Clerk dashboard.
let handler: ((request: Request) => Promise<Response>) | undefined;

export async function POST(request: Request): Promise<Response> {
  const signingSecret = process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  if (!signingSecret)
    return Response.json({ error: 'CLERK_WEBHOOK_SIGNING_SECRET is not set' }, { status: 503 });
  let db: Awaited<ReturnType<typeof usersyncDb>>;
  try {
    db = await usersyncDb();
  } catch {
    return Response.json(
      { error: 'Database unavailable; the delivery will be retried', code: 'database_unavailable' },
      { status: 503, headers: { 'retry-after': '5' } },
    );
  }
  handler ??= createClerkWebhookHandler({ db, signingSecret });
  return handler(request);
}
