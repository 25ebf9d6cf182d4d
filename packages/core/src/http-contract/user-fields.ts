import { type TSchema, Type } from 'typebox';

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A users row's Clerk-owned identity as every user object in the contract shows it (the profile, the
 * admin user list and detail). The API maps a row to these fields in one place (apps/api/src/lib/profile.ts).
 */
export const UserIdentityProperties = {
  /** Our users.id (uuid). */
  id: Type.String({ format: 'uuid' }),
  clerkId: Type.String(),
  email: nullable(Type.String()),
  emailVerified: Type.Boolean(),
  firstName: nullable(Type.String()),
  lastName: nullable(Type.String()),
  username: nullable(Type.String()),
  imageUrl: nullable(Type.String()),
};
