import type { CurrentPlan } from '@usersync/core/internal';

/** A payer's current Clerk Billing plan on one line: `Pro (pro), past_due, period ends 2027-01-01T…`. */
export function describePlan(plan: CurrentPlan | null): string {
  if (!plan) return 'none';
  const name = plan.name ?? plan.slug ?? 'unnamed plan';
  const slug = plan.slug && plan.slug !== name ? ` (${plan.slug})` : '';
  const end = plan.periodEnd ? `, period ends ${plan.periodEnd.toISOString()}` : '';
  return `${name}${slug}, ${plan.status}${end}`;
}
