import { type SqlFunction, sqlFunction } from './db/sql-function.ts';

// Every `usersync_…` SQL function, each defined once in its own .sql file beside the TypeScript that
// calls it (docs/decisions/140). The migration runner installs them after the table migrations
// (migrations/install-sql-functions.ts), in SQL_FUNCTIONS' order. Listed in code rather than read from
// folders, so a build (esbuild's bundle of the API, a compiled dist/) finds them by the same rule: each
// file's URL is relative to this module, so a build puts the .sql files at the same paths relative to
// this module's output (apps/api/build.ts copies src/**/*.sql next to the bundle).
// Types used by these functions (usersync_clerk_user, usersync_delivery_outcome) and the triggers are
// schema: migrations define them.

export const touchUpdatedAtFunction = sqlFunction(
  'usersync_touch_updated_at',
  new URL('./db/usersync_touch_updated_at.sql', import.meta.url),
);
export const createUserSettingsFunction = sqlFunction(
  'usersync_create_user_settings',
  new URL('./users/usersync_create_user_settings.sql', import.meta.url),
);
export const linkUserMembershipsFunction = sqlFunction(
  'usersync_link_user_memberships',
  new URL('./organizations/usersync_link_user_memberships.sql', import.meta.url),
);
export const linkOrganizationMembershipsFunction = sqlFunction(
  'usersync_link_organization_memberships',
  new URL('./organizations/usersync_link_organization_memberships.sql', import.meta.url),
);
export const endUserMembershipsFunction = sqlFunction(
  'usersync_end_user_memberships',
  new URL('./organizations/usersync_end_user_memberships.sql', import.meta.url),
);
export const lockClerkIdFunction = sqlFunction(
  'usersync_lock_clerk_id',
  new URL('./sync/usersync_lock_clerk_id.sql', import.meta.url),
);
export const writeClerkUsersFunction = sqlFunction(
  'usersync_write_clerk_users',
  new URL('./sync/usersync_write_clerk_users.sql', import.meta.url),
);
export const writeClerkUserFunction = sqlFunction(
  'usersync_write_clerk_user',
  new URL('./sync/usersync_write_clerk_user.sql', import.meta.url),
);
export const deleteClerkUserFunction = sqlFunction(
  'usersync_delete_clerk_user',
  new URL('./sync/usersync_delete_clerk_user.sql', import.meta.url),
);
export const userUpsertStatusFunction = sqlFunction(
  'usersync_user_upsert_status',
  new URL('./sync/usersync_user_upsert_status.sql', import.meta.url),
);
export const applyClerkUserUpsertFunction = sqlFunction(
  'usersync_apply_clerk_user_upsert',
  new URL('./sync/usersync_apply_clerk_user_upsert.sql', import.meta.url),
);
export const applyClerkUserDeleteFunction = sqlFunction(
  'usersync_apply_clerk_user_delete',
  new URL('./sync/usersync_apply_clerk_user_delete.sql', import.meta.url),
);
export const writeOrganizationFunction = sqlFunction(
  'usersync_write_organization',
  new URL('./sync/usersync_write_organization.sql', import.meta.url),
);
export const deleteOrganizationFunction = sqlFunction(
  'usersync_delete_organization',
  new URL('./sync/usersync_delete_organization.sql', import.meta.url),
);
export const writeOrganizationMembershipFunction = sqlFunction(
  'usersync_write_organization_membership',
  new URL('./sync/usersync_write_organization_membership.sql', import.meta.url),
);
export const deleteOrganizationMembershipFunction = sqlFunction(
  'usersync_delete_organization_membership',
  new URL('./sync/usersync_delete_organization_membership.sql', import.meta.url),
);
export const writeOrganizationInvitationFunction = sqlFunction(
  'usersync_write_organization_invitation',
  new URL('./sync/usersync_write_organization_invitation.sql', import.meta.url),
);
export const organizationOutcomeFunction = sqlFunction(
  'usersync_organization_outcome',
  new URL('./sync/usersync_organization_outcome.sql', import.meta.url),
);
export const applyClerkOrganizationUpsertFunction = sqlFunction(
  'usersync_apply_clerk_organization_upsert',
  new URL('./sync/usersync_apply_clerk_organization_upsert.sql', import.meta.url),
);
export const applyClerkOrganizationDeleteFunction = sqlFunction(
  'usersync_apply_clerk_organization_delete',
  new URL('./sync/usersync_apply_clerk_organization_delete.sql', import.meta.url),
);
export const applyClerkOrganizationMembershipUpsertFunction = sqlFunction(
  'usersync_apply_clerk_organization_membership_upsert',
  new URL('./sync/usersync_apply_clerk_organization_membership_upsert.sql', import.meta.url),
);
export const applyClerkOrganizationMembershipDeleteFunction = sqlFunction(
  'usersync_apply_clerk_organization_membership_delete',
  new URL('./sync/usersync_apply_clerk_organization_membership_delete.sql', import.meta.url),
);
export const applyClerkOrganizationInvitationUpsertFunction = sqlFunction(
  'usersync_apply_clerk_organization_invitation_upsert',
  new URL('./sync/usersync_apply_clerk_organization_invitation_upsert.sql', import.meta.url),
);
export const writeOrganizationsFunction = sqlFunction(
  'usersync_write_organizations',
  new URL('./sync/usersync_write_organizations.sql', import.meta.url),
);
export const writeOrganizationMembershipsFunction = sqlFunction(
  'usersync_write_organization_memberships',
  new URL('./sync/usersync_write_organization_memberships.sql', import.meta.url),
);
export const recordDeliveryOutcomesFunction = sqlFunction(
  'usersync_record_delivery_outcomes',
  new URL('./webhook-events/usersync_record_delivery_outcomes.sql', import.meta.url),
);
export const recordDeliveryFailuresFunction = sqlFunction(
  'usersync_record_delivery_failures',
  new URL('./webhook-events/usersync_record_delivery_failures.sql', import.meta.url),
);
export const recordDeliveryOutcomeFunction = sqlFunction(
  'usersync_record_delivery_outcome',
  new URL('./webhook-events/usersync_record_delivery_outcome.sql', import.meta.url),
);
export const applyClerkEventFunction = sqlFunction(
  'usersync_apply_clerk_event',
  new URL('./sync/usersync_apply_clerk_event.sql', import.meta.url),
);
export const lockDeliverySubjectsFunction = sqlFunction(
  'usersync_lock_delivery_subjects',
  new URL('./sync/usersync_lock_delivery_subjects.sql', import.meta.url),
);
export const applyClerkDeliveriesTogetherFunction = sqlFunction(
  'usersync_apply_clerk_deliveries_together',
  new URL('./sync/usersync_apply_clerk_deliveries_together.sql', import.meta.url),
);
export const applyLoneUserUpsertFunction = sqlFunction(
  'usersync_apply_lone_user_upsert',
  new URL('./sync/usersync_apply_lone_user_upsert.sql', import.meta.url),
);
export const applyClerkDeliveriesFunction = sqlFunction(
  'usersync_apply_clerk_deliveries',
  new URL('./sync/usersync_apply_clerk_deliveries.sql', import.meta.url),
);

export const redactedPayloadFunction = sqlFunction(
  'usersync_redacted_payload',
  new URL('./webhook-events/usersync_redacted_payload.sql', import.meta.url),
);
export const redactDeletedPersonFunction = sqlFunction(
  'usersync_redact_deleted_person',
  new URL('./webhook-events/usersync_redact_deleted_person.sql', import.meta.url),
);
export const forgetPersonInDeliveriesFunction = sqlFunction(
  'usersync_forget_person_in_deliveries',
  new URL('./webhook-events/usersync_forget_person_in_deliveries.sql', import.meta.url),
);
export const anonymizeUserFunction = sqlFunction(
  'usersync_anonymize_user',
  new URL('./privacy/usersync_anonymize_user.sql', import.meta.url),
);
export const writeBillingSubscriptionItemFunction = sqlFunction(
  'usersync_write_billing_subscription_item',
  new URL('./sync/usersync_write_billing_subscription_item.sql', import.meta.url),
);
export const writeBillingSubscriptionFunction = sqlFunction(
  'usersync_write_billing_subscription',
  new URL('./sync/usersync_write_billing_subscription.sql', import.meta.url),
);
export const billingUpsertStatusFunction = sqlFunction(
  'usersync_billing_upsert_status',
  new URL('./sync/usersync_billing_upsert_status.sql', import.meta.url),
);
export const applyClerkBillingSubscriptionUpsertFunction = sqlFunction(
  'usersync_apply_clerk_billing_subscription_upsert',
  new URL('./sync/usersync_apply_clerk_billing_subscription_upsert.sql', import.meta.url),
);
export const applyClerkBillingSubscriptionItemUpsertFunction = sqlFunction(
  'usersync_apply_clerk_billing_subscription_item_upsert',
  new URL('./sync/usersync_apply_clerk_billing_subscription_item_upsert.sql', import.meta.url),
);

/** The folder the files' paths are relative to (this module's: src/, or the build beside it). */
export const SQL_FUNCTIONS_ROOT = new URL('./', import.meta.url);

/**
 * Install order: trigger functions, then callees before their callers (a LANGUAGE sql body is checked
 * when created; plpgsql bodies are not, but the order keeps every file installable alone).
 */
export const SQL_FUNCTIONS: readonly SqlFunction[] = [
  touchUpdatedAtFunction,
  createUserSettingsFunction,
  linkUserMembershipsFunction,
  linkOrganizationMembershipsFunction,
  endUserMembershipsFunction,
  redactedPayloadFunction,
  redactDeletedPersonFunction,
  forgetPersonInDeliveriesFunction,
  lockClerkIdFunction,
  writeClerkUsersFunction,
  writeClerkUserFunction,
  anonymizeUserFunction,
  deleteClerkUserFunction,
  userUpsertStatusFunction,
  applyClerkUserUpsertFunction,
  applyClerkUserDeleteFunction,
  writeOrganizationFunction,
  deleteOrganizationFunction,
  writeOrganizationMembershipFunction,
  deleteOrganizationMembershipFunction,
  writeOrganizationInvitationFunction,
  organizationOutcomeFunction,
  applyClerkOrganizationUpsertFunction,
  applyClerkOrganizationDeleteFunction,
  applyClerkOrganizationMembershipUpsertFunction,
  applyClerkOrganizationMembershipDeleteFunction,
  applyClerkOrganizationInvitationUpsertFunction,
  writeOrganizationsFunction,
  writeOrganizationMembershipsFunction,
  writeBillingSubscriptionItemFunction,
  writeBillingSubscriptionFunction,
  billingUpsertStatusFunction,
  applyClerkBillingSubscriptionUpsertFunction,
  applyClerkBillingSubscriptionItemUpsertFunction,
  recordDeliveryOutcomesFunction,
  recordDeliveryOutcomeFunction,
  recordDeliveryFailuresFunction,
  applyClerkEventFunction,
  lockDeliverySubjectsFunction,
  applyClerkDeliveriesTogetherFunction,
  applyLoneUserUpsertFunction,
  applyClerkDeliveriesFunction,
];
