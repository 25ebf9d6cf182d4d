import type { Db } from '../db/create-database.ts';
import type { InvitationRow } from '../db/schema.ts';

export class InvalidInvitationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInvitationError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Pre-provisions a user: the first sync of a Clerk user whose *verified* primary email is this
 * address takes the role and data. Inviting an address again replaces the open invitation's role/data.
 */
export async function createInvitation(
  db: Db,
  input: { email: string; role: string; data?: Record<string, unknown> },
): Promise<InvitationRow> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 320)
    throw new InvalidInvitationError(`not an email address: ${input.email}`);
  const role = input.role.trim();
  if (role.length < 1 || role.length > 64)
    throw new InvalidInvitationError('role must be 1 to 64 characters');
  const data = JSON.stringify(input.data ?? {});
  return db
    .insertInto('invitations')
    .values({ email, role, data })
    .onConflict((oc) => oc.column('email').where('claimed_at', 'is', null).doUpdateSet({ role, data }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listInvitations(
  db: Db,
  options: { includeClaimed?: boolean } = {},
): Promise<InvitationRow[]> {
  let query = db.selectFrom('invitations').selectAll().orderBy('created_at', 'desc');
  if (!options.includeClaimed) query = query.where('claimed_at', 'is', null);
  return query.execute();
}
