import { type Static, Type } from 'typebox';
import { SETTLED_DELIVERY_STATUSES } from './lists.ts';
import { PlanSchema } from './plan.ts';
import { THEMES } from './themes.ts';
import { nullable, UserIdentityProperties } from './user-fields.ts';

// The HTTP contract, written once as JSON Schema (TypeBox). The API validates and serialises with these
// schemas and derives its handler types from them; the SPA imports the derived types only (`import
// type`), so TypeBox never reaches the browser bundle (docs/decisions/063).

export { type Plan, PlanSchema } from './plan.ts';
export { isThemeName, THEME_STORAGE_KEY, THEMES, type ThemeName } from './themes.ts';

export const ThemeSchema = Type.Enum(THEMES);

/**
 * The fields a signed-in user may change about themselves (`PATCH /api/v1/users/profile`), returned
 * under `settings`. To add one, declare it here (optional, with its limits): the repository stores
 * fields other than `theme` in `user_settings.preferences`, and the profile returns them.
 */
export const AppOwnedSettingsSchema = Type.Object(
  {
    theme: ThemeSchema,
  },
  { additionalProperties: false },
);
export type AppOwnedSettings = Static<typeof AppOwnedSettingsSchema>;

/** `PATCH /api/v1/users/profile` body: any non-empty subset of the app-owned fields, nothing else. */
export const ProfileUpdateSchema = Type.Partial(AppOwnedSettingsSchema, {
  additionalProperties: false,
  minProperties: 1,
});
export type ProfileUpdate = Static<typeof ProfileUpdateSchema>;

const nullableString = nullable(Type.String());

/** One of the user's organizations, with their role in it. */
export const ProfileOrganizationSchema = Type.Object({
  /** Clerk's organization id (`org_…`). */
  id: Type.String(),
  name: Type.String(),
  slug: nullableString,
  imageUrl: nullableString,
  /** Clerk's role key, e.g. `org:admin`. */
  role: Type.String(),
  /** The organization's current plan. */
  plan: PlanSchema,
});
export type ProfileOrganization = Static<typeof ProfileOrganizationSchema>;

/** The profile object of `POST /api/v1/users/sync` and `GET`/`PATCH /api/v1/users/profile`. */
export const ProfileSchema = Type.Object({
  ...UserIdentityProperties,
  phoneNumber: nullableString,
  role: Type.String(),
  settings: AppOwnedSettingsSchema,
  /** users.created_at as an ISO string. */
  memberSince: Type.String({ format: 'date-time' }),
  /** The user's own current plan (Clerk Billing), null when they pay for none. */
  plan: PlanSchema,
  /** The active organizations the user belongs to, by name. */
  organizations: Type.Array(ProfileOrganizationSchema),
});
export type Profile = Static<typeof ProfileSchema>;

export const SYNC_STATUSES = ['existing', 'created', 'updated'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** `POST /api/v1/users/sync`: 200 with `existing`, 201 with `created` or `updated`. */
export const SyncResponseSchema = Type.Object({
  status: Type.Enum(SYNC_STATUSES),
  profile: ProfileSchema,
});
export type SyncResponse = Static<typeof SyncResponseSchema>;

/** Every error body: a human-readable message and, where useful, a machine-readable code. */
export const ErrorResponseSchema = Type.Object({
  error: Type.String({ description: 'Human-readable message' }),
  code: Type.Optional(Type.String({ description: 'Machine-readable code, when there is one' })),
});
export type ErrorResponse = Static<typeof ErrorResponseSchema>;

/** `GET /api/health`: 200 when the database answers, 503 when it does not. */
export const HealthResponseSchema = Type.Object({
  status: Type.Enum(['ok', 'error']),
  database: Type.Enum(['up', 'down']),
  users: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Active users (refreshed at most every 15 s)',
  }),
  lastWebhookAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  sync: Type.Union(
    [
      Type.Object({
        status: Type.Enum(['ok', 'degraded']),
        reasons: Type.Array(
          Type.Object({
            code: Type.Enum(['deliveries_failed', 'reconcile_drift', 'webhooks_silent']),
            message: Type.String(),
          }),
        ),
      }),
      Type.Null(),
    ],
    {
      description:
        'Whether webhooks keep the table in step (docs/observability.md); null when the database is down',
    },
  ),
});
export type HealthResponse = Static<typeof HealthResponseSchema>;

/** `POST /api/webhooks/clerk` 200 body: how a delivery was taken (Svix only looks at the status code). */
export const WebhookAckSchema = Type.Object({
  status: Type.Enum(SETTLED_DELIVERY_STATUSES),
});
export type WebhookAck = Static<typeof WebhookAckSchema>;

/** The Svix headers of a Clerk delivery; the route names a missing one itself (400). */
export const SvixHeadersSchema = Type.Object({
  'svix-id': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  'svix-timestamp': Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })),
  'svix-signature': Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
});

export * from './admin.ts';
export * from './lists.ts';
