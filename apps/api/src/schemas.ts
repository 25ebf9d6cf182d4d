import type { FastifyInstance } from 'fastify';

// Shared JSON schemas, referenced by `$ref` from the routes. A response schema is also the serializer:
// fields not listed here never leave the server.

export const errorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'Human-readable message' },
    code: { type: 'string', description: 'Machine-readable code, when there is one' },
  },
} as const;

export const profileSchema = {
  $id: 'Profile',
  type: 'object',
  required: [
    'id',
    'clerkId',
    'email',
    'emailVerified',
    'firstName',
    'lastName',
    'username',
    'imageUrl',
    'phoneNumber',
    'role',
    'settings',
    'memberSince',
    'organizations',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    clerkId: { type: 'string' },
    email: { type: ['string', 'null'] },
    emailVerified: { type: 'boolean' },
    firstName: { type: ['string', 'null'] },
    lastName: { type: ['string', 'null'] },
    username: { type: ['string', 'null'] },
    imageUrl: { type: ['string', 'null'] },
    phoneNumber: { type: ['string', 'null'] },
    role: { type: 'string' },
    settings: {
      type: 'object',
      required: ['theme'],
      properties: { theme: { type: 'string', enum: ['light', 'dark', 'system'] } },
    },
    memberSince: { type: 'string', format: 'date-time' },
    organizations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'slug', 'imageUrl', 'role'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          slug: { type: ['string', 'null'] },
          imageUrl: { type: ['string', 'null'] },
          role: { type: 'string' },
        },
      },
    },
  },
} as const;

export const errorRef = { $ref: 'ApiError#' } as const;
export const profileRef = { $ref: 'Profile#' } as const;

export function registerSharedSchemas(app: FastifyInstance): void {
  app.addSchema(errorSchema);
  app.addSchema(profileSchema);
}
