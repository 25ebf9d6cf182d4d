// The reconcile entry points; its steps (compare, apply, deactivate) are internal.

export {
  type BackendBillingSubscription,
  type BillingReconcileReport,
  type ClerkBillingSource,
  reconcileBilling,
} from './reconcile-billing.ts';
export {
  type ClerkListPage,
  type ClerkListSource,
  type KindCounts,
  type KindReconcileSummary,
  type OrganizationReconcileKind,
  type OrganizationReconcileOptions,
  reconcileOrganizationKind,
} from './reconcile-organizations.ts';
export {
  type ClerkUserPage,
  type ClerkUserSource,
  DEFAULT_GUARD_THRESHOLD,
  type ReconcileCounts,
  type ReconcileOptions,
  type ReconcileProgress,
  type ReconcileSummary,
  reconcileUsers,
  type WrongInstanceGuard,
} from './reconcile-users.ts';
export {
  type ReplayResult,
  replayWebhookEvent,
  WebhookEventNotFoundError,
  WebhookEventNotReplayableError,
} from './replay-webhook-event.ts';
