export { formatDuration, parseDuration } from './duration.ts';
export { type LockedResult, withReconcileLock } from './reconcile-lock.ts';
export {
  type FinishedReconcileRun,
  finishReconcileRun,
  insertReconcileRun,
  interruptAbandonedRuns,
  latestFinishedRun,
  latestFinishedRunPerKind,
  latestWatermark,
  listReconcileRuns,
  type NewReconcileRun,
  scheduledRunStartedSince,
} from './reconcile-run.repository.ts';
export {
  ReconcileBusyError,
  type RecordedReconcileOptions,
  type RecordedReconcileResult,
  recordOf,
  runRecordedReconcile,
} from './run-reconcile.ts';
export { parseSince, resolveSince, type SinceSpec, WATERMARK_OVERLAP_MS } from './since.ts';
