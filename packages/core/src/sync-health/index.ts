export {
  FAILED_DELIVERY_WINDOW_MS,
  readSyncHealth,
  type SyncHealth,
  type SyncHealthOptions,
  type SyncHealthReason,
  type SyncHealthReasonCode,
} from './sync-health.ts';
