const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp for people (local time); `—` for none. */
export function formatDateTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** A duration in ms as `850 ms`, `4.2 s`, `3 min`; `—` for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function fullName(user: {
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  email: string | null;
}) {
  return (
    [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username || user.email || '(no name)'
  );
}

/** A payer's current Clerk Billing plan: `Pro (pro) · past_due · until 1 Jan 2027`; `None` for no plan. */
export function formatPlan(
  plan: { slug: string | null; name: string | null; status: string; periodEnd: string | null } | null,
): string {
  if (!plan) return 'None';
  const name = plan.name ?? plan.slug ?? 'unnamed plan';
  const slug = plan.slug && plan.slug !== name ? ` (${plan.slug})` : '';
  const until = plan.periodEnd ? ` · until ${formatDateTime(plan.periodEnd)}` : '';
  return `${name}${slug} · ${plan.status}${until}`;
}
