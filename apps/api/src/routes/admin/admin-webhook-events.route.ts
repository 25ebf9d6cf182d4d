import type { DeliveryDetail, DeliverySummary, Paged, ReplayResponse } from '@usersync/core/http-contract';
import type { WebhookEventStatus } from '@usersync/core/internal';
import {
  findWebhookEvent,
  listReplaysOf,
  listWebhookEvents,
  recordAuditEntry,
  replayWebhookEvent,
  WebhookEventNotFoundError,
  WebhookEventNotReplayableError,
} from '@usersync/core/internal';
import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../../config.ts';
import { ApiError, errorResponses } from '../../lib/api-error.ts';
import { toDeliverySummary } from './admin-mappers.ts';
import {
  adminErrorResponses,
  bearerHeaders,
  deliveryStatusParam,
  deliverySummarySchema,
  filterText,
  pagedSchema,
  pageLimit,
  pageQuery,
} from './admin-schemas.ts';

interface ListQuery {
  status?: WebhookEventStatus;
  type?: string;
  clerkUserId?: string;
  q?: string;
  cursor?: string;
  limit?: string;
}

const svixIdParams = {
  type: 'object',
  required: ['svixId'],
  properties: { svixId: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

const detailSchema = {
  type: 'object',
  required: [...deliverySummarySchema.required, 'payload', 'replays'],
  properties: {
    ...deliverySummarySchema.properties,
    payload: {},
    replays: { type: 'array', items: deliverySummarySchema },
  },
} as const;

const replaySchema = {
  type: 'object',
  required: ['replayOf', 'svixId', 'status', 'reason', 'originalStatus'],
  properties: {
    replayOf: { type: 'string' },
    svixId: { type: 'string' },
    status: { type: 'string', enum: ['applied', 'duplicate', 'stale', 'ignored', 'invalid'] },
    reason: { type: ['string', 'null'] },
    originalStatus: { type: 'string' },
  },
} as const;

const notFound = (svixId: string) =>
  new ApiError(404, `No delivery with svix-id ${svixId} is recorded`, { code: 'delivery_not_found' });

/** The delivery log: list with filters, one delivery with its payload, and replay. */
const adminWebhookEventsRoute: FastifyPluginAsync<{ config: AppConfig }> = async (fastify, { config }) => {
  fastify.get<{ Querystring: ListQuery }>(
    '/webhook-events',
    {
      schema: {
        headers: bearerHeaders,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuery,
            status: deliveryStatusParam,
            type: filterText,
            clerkUserId: filterText,
            q: filterText,
          },
        },
        response: { 200: pagedSchema(deliverySummarySchema), ...adminErrorResponses },
      },
    },
    async (request): Promise<Paged<DeliverySummary>> => {
      const { limit, ...filters } = request.query;
      const page = await listWebhookEvents(fastify.db, { ...filters, limit: pageLimit(limit) });
      return { items: page.items.map(toDeliverySummary), nextCursor: page.nextCursor };
    },
  );

  fastify.get<{ Params: { svixId: string } }>(
    '/webhook-events/:svixId',
    {
      schema: {
        headers: bearerHeaders,
        params: svixIdParams,
        response: { 200: detailSchema, ...errorResponses(404), ...adminErrorResponses },
      },
    },
    async (request): Promise<DeliveryDetail> => {
      const { svixId } = request.params;
      const [event, replays] = await Promise.all([
        findWebhookEvent(fastify.db, svixId),
        listReplaysOf(fastify.db, svixId),
      ]);
      if (!event) throw notFound(svixId);
      return {
        ...toDeliverySummary(event),
        payload: event.payload ?? null,
        replays: replays.map(toDeliverySummary),
      };
    },
  );

  /** The same rule as `usersync webhook replay` (core replayWebhookEvent), then an audit entry. */
  fastify.post<{ Params: { svixId: string } }>(
    '/webhook-events/:svixId/replay',
    {
      schema: {
        headers: bearerHeaders,
        params: svixIdParams,
        response: { 200: replaySchema, ...errorResponses(404, 409, 415), ...adminErrorResponses },
      },
    },
    async (request): Promise<ReplayResponse> => {
      const { svixId } = request.params;
      let result: Awaited<ReturnType<typeof replayWebhookEvent>>;
      try {
        result = await replayWebhookEvent(fastify.db, svixId, config.sync);
      } catch (error) {
        if (error instanceof WebhookEventNotFoundError) throw notFound(svixId);
        if (error instanceof WebhookEventNotReplayableError) {
          throw new ApiError(409, error.message, { code: 'delivery_not_replayable' });
        }
        throw error;
      }
      const { user } = request.caller;
      await recordAuditEntry(fastify.db, {
        actor: user.clerk_id,
        actorEmail: user.email,
        action: 'webhook_event.replayed',
        targetType: 'webhook_event',
        targetId: svixId,
        before: { status: result.original.status },
        after: {
          status: result.status,
          replaySvixId: result.svixId,
          ...(result.reason && { reason: result.reason }),
        },
      });
      request.log.info(
        { svixId, replaySvixId: result.svixId, outcome: result.status },
        'admin replayed a delivery',
      );
      return {
        replayOf: svixId,
        svixId: result.svixId,
        status: result.status,
        reason: result.reason ?? null,
        originalStatus: result.original.status,
      };
    },
  );
};

export default adminWebhookEventsRoute;
