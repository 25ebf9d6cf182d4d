export {
  type ClerkBackendBillingSourceOptions,
  clerkBackendBillingSource,
} from './clerk-backend-billing-source.ts';
export { clerkBackendOrganizationSource } from './clerk-backend-organization-source.ts';
export {
  type ClerkBackendSourceOptions,
  type ClerkRequestEvent,
  type ClerkRetryEvent,
  clerkBackendUserSource,
  clerkErrorStatus,
  clerkRateLimit,
  DEFAULT_RETRY_POLICY,
  describeClerkError,
  type RetryPolicy,
  withClerkRetry,
} from './clerk-backend-user-source.ts';
