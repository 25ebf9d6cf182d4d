import { USER_STATUSES, WEBHOOK_EVENT_STATUSES } from '@usersync/core/internal';
import { errorResponses } from '../../lib/api-error.ts';

// JSON schemas of /api/v1/admin/* (the response schema is the serializer). Field lists mirror
// packages/core/src/http-contract/admin.ts.

const nullable = (type: string) => ({ type: [type, 'null'] }) as const;
const object = { type: 'object', additionalProperties: true } as const;

export const deliverySummarySchema = {
  type: 'object',
  required: [
    'svixId',
    'source',
    'type',
    'clerkUserId',
    'status',
    'error',
    'attempts',
    'receivedAt',
    'processedAt',
  ],
  properties: {
    svixId: { type: 'string' },
    source: { type: 'string' },
    type: nullable('string'),
    clerkUserId: nullable('string'),
    status: { type: 'string', enum: [...WEBHOOK_EVENT_STATUSES] },
    error: nullable('string'),
    attempts: { type: 'integer' },
    receivedAt: { type: 'string', format: 'date-time' },
    processedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const userSummaryProperties = {
  id: { type: 'string' },
  clerkId: { type: 'string' },
  email: nullable('string'),
  emailVerified: { type: 'boolean' },
  firstName: nullable('string'),
  lastName: nullable('string'),
  username: nullable('string'),
  imageUrl: nullable('string'),
  role: { type: 'string' },
  status: { type: 'string', enum: [...USER_STATUSES] },
  lastSignInAt: { type: ['string', 'null'], format: 'date-time' },
  createdAt: { type: 'string', format: 'date-time' },
} as const;

export const userSummarySchema = {
  type: 'object',
  required: Object.keys(userSummaryProperties),
  properties: userSummaryProperties,
} as const;

const userProperties = {
  ...userSummaryProperties,
  phoneNumber: nullable('string'),
  publicMetadata: object,
  appMetadata: object,
  clerkUpdatedAt: { type: ['string', 'null'], format: 'date-time' },
  deletedAt: { type: ['string', 'null'], format: 'date-time' },
} as const;

export const userSchema = {
  type: 'object',
  required: Object.keys(userProperties),
  properties: userProperties,
} as const;

export const auditEntrySchema = {
  type: 'object',
  required: ['id', 'actor', 'actorEmail', 'action', 'targetType', 'targetId', 'before', 'after', 'createdAt'],
  properties: {
    id: { type: 'string' },
    actor: { type: 'string' },
    actorEmail: nullable('string'),
    action: { type: 'string' },
    targetType: { type: 'string' },
    targetId: { type: 'string' },
    before: { type: ['object', 'null'], additionalProperties: true },
    after: { type: ['object', 'null'], additionalProperties: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export function pagedSchema(item: object) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: item }, nextCursor: nullable('string') },
  } as const;
}

/** Query strings arrive as text (no type coercion in this API): numbers are checked by pattern. */
export const pageQuery = {
  cursor: { type: 'string', minLength: 1, maxLength: 320 },
  limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
} as const;

export const filterText = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const deliveryStatusParam = { type: 'string', enum: [...WEBHOOK_EVENT_STATUSES] } as const;
export const userStatusParam = { type: 'string', enum: [...USER_STATUSES] } as const;

export const bearerHeaders = {
  type: 'object',
  required: ['authorization'],
  properties: { authorization: { type: 'string' } },
} as const;

/** What every admin route can answer besides its success. */
export const adminErrorResponses = errorResponses(400, 401, 403, 410, 429, 500, 502, 503);

export function pageLimit(limit: string | undefined): number | undefined {
  return limit === undefined ? undefined : Number(limit);
}
