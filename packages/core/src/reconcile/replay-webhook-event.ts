import { randomBytes } from 'node:crypto';
import type { Db } from '../db/create-database.ts';
import type { WebhookEventRow } from '../db/schema.ts';
import { type ApplyResult, applyClerkEvent } from '../sync/apply-clerk-event.ts';
import type { SyncOptions } from '../sync/sync-options.ts';
import { findWebhookEvent } from '../webhook-events/webhook-event.repository.ts';

export class WebhookEventNotFoundError extends Error {
  constructor(svixId: string) {
    super(`no webhook delivery with svix-id ${svixId} is recorded`);
    this.name = 'WebhookEventNotFoundError';
  }
}

/**
 * The delivery is recorded without its payload (it failed on our side, or its body was unusable), or its
 * payload was redacted (its person deleted, or past WEBHOOK_PAYLOAD_RETENTION_DAYS; docs/privacy.md).
 */
export class WebhookEventNotReplayableError extends Error {
  constructor(event: WebhookEventRow) {
    super(
      `delivery ${event.svix_id} (status ${event.status}) was recorded without its ${event.payload_redacted_at ? 'full payload (redacted for privacy)' : 'payload'}, so it cannot be ` +
        'replayed; Svix redelivers failed deliveries, and `usersync reconcile` re-reads users from Clerk',
    );
    this.name = 'WebhookEventNotReplayableError';
  }
}

export interface ReplayResult extends ApplyResult {
  /** The svix-id that was replayed; `svixId` is the replay's own record. */
  replayOf: string;
  original: WebhookEventRow;
}

/**
 * Re-applies a stored delivery through applyClerkEvent, the exact rules a live delivery goes
 * through. It runs under a derived svix-id (`replay:<original>:<unique>`), recorded with source
 * 'replay': the original id is already recorded, so reusing it would be answered `duplicate`, and
 * the derived id leaves an audit trail without counting as a delivery from Clerk. Replaying never
 * overrides the ordering guard: an older version than the stored one is answered `stale`.
 */
export async function replayWebhookEvent(
  db: Db,
  svixId: string,
  options?: SyncOptions,
): Promise<ReplayResult> {
  const original = await findWebhookEvent(db, svixId);
  if (!original) throw new WebhookEventNotFoundError(svixId);
  if (original.payload === null || original.payload === undefined || original.payload_redacted_at !== null) {
    throw new WebhookEventNotReplayableError(original);
  }
  const replayId = `replay:${svixId}:${Date.now().toString(36)}${randomBytes(3).toString('hex')}`.slice(-255);
  const result = await applyClerkEvent(
    db,
    { svixId: replayId, body: JSON.stringify(original.payload), source: 'replay' },
    options,
  );
  return { ...result, replayOf: svixId, original };
}
