// The JSON the API returns and the SPA reads. Types only and no imports, so the browser build can use it.

export type ThemeName = 'light' | 'dark' | 'system';

/** The profile object of `POST /api/v1/users/sync` and `GET`/`PATCH /api/v1/users/profile`. */
export interface Profile {
  /** Our users.id (uuid). */
  id: string;
  clerkId: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  imageUrl: string | null;
  phoneNumber: string | null;
  role: string;
  settings: { theme: ThemeName };
  /** users.created_at as an ISO string. */
  memberSince: string;
  /** The active organizations the user belongs to, by name. */
  organizations: ProfileOrganization[];
}

/** One of the user's organizations, with their role in it. */
export interface ProfileOrganization {
  /** Clerk's organization id (`org_…`). */
  id: string;
  name: string;
  slug: string | null;
  imageUrl: string | null;
  /** Clerk's role key, e.g. `org:admin`. */
  role: string;
}

export interface SyncResponse {
  status: 'existing' | 'created' | 'updated';
  profile: Profile;
}

/** Every error body: a human-readable message and, where useful, a machine-readable code. */
export interface ErrorResponse {
  error: string;
  code?: string;
}

export type * from './admin.ts';
