import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminHeadersSchema,
  DeliveryDetailSchema,
  DeliveryListQuerySchema,
  DeliverySummarySchema,
  PagedSchema,
  ReplayResponseSchema,
  SvixIdParamsSchema,
} from '@usersync/core/http-contract';
import {
  findWebhookEvent,
  listReplaysOf,
  listWebhookEvents,
  recordAuditEntry,
  replayWebhookEvent,
  WebhookEventNotFoundError,
  WebhookEventNotReplayableError,
} from '@usersync/core/internal';
import type { AppConfig } from '../../config.ts';
import { ApiError, errorResponses } from '../../lib/api-error.ts';
import { adminErrorResponses, pageLimit, toDeliverySummary } from './admin-mappers.ts';

const notFound = (svixId: string) =>
  new ApiError(404, `No delivery with svix-id ${svixId} is recorded`, { code: 'delivery_not_found' });

/** The delivery log: list with filters, one delivery with its payload, and replay. */
const adminWebhookEventsRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (
  fastify,
  { config },
) => {
  fastify.get(
    '/webhook-events',
    {
      schema: {
        headers: AdminHeadersSchema,
        querystring: DeliveryListQuerySchema,
        response: { 200: PagedSchema(DeliverySummarySchema), ...adminErrorResponses },
      },
    },
    async (request) => {
      const { limit, ...filters } = request.query;
      const page = await listWebhookEvents(fastify.db, { ...filters, limit: pageLimit(limit) });
      return { items: page.items.map(toDeliverySummary), nextCursor: page.nextCursor };
    },
  );

  fastify.get(
    '/webhook-events/:svixId',
    {
      schema: {
        headers: AdminHeadersSchema,
        params: SvixIdParamsSchema,
        response: { 200: DeliveryDetailSchema, ...errorResponses(404), ...adminErrorResponses },
      },
    },
    async (request) => {
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
  fastify.post(
    '/webhook-events/:svixId/replay',
    {
      schema: {
        headers: AdminHeadersSchema,
        params: SvixIdParamsSchema,
        response: { 200: ReplayResponseSchema, ...errorResponses(404, 409, 415), ...adminErrorResponses },
      },
    },
    async (request) => {
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
