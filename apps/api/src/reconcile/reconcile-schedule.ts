import { formatDuration, parseDuration } from '@usersync/core/internal';
import type { ReconcileScheduleEntry } from '../config.ts';

const KINDS = ['incremental', 'full'] as const;

/**
 * RECONCILE_SCHEDULE: `incremental=15m,full=24h`, either part alone, or `off`. Durations are a whole
 * number and one unit (s, m, h, d). Returns the entries, or a message saying what is wrong.
 */
export function parseReconcileSchedule(text: string): ReconcileScheduleEntry[] | string {
  const value = text.trim();
  if (value === 'off') return [];
  const entries: ReconcileScheduleEntry[] = [];
  for (const part of value.split(',')) {
    const [name, every, extra] = part.split('=').map((s) => s.trim());
    const kind = KINDS.find((k) => k === name);
    const everyMs = every === undefined ? null : parseDuration(every);
    if (!kind || everyMs === null || extra !== undefined) {
      return `"${part.trim()}" is not kind=duration: use e.g. incremental=15m,full=24h (units s, m, h, d), or off`;
    }
    if (entries.some((e) => e.kind === kind)) return `${kind} is given twice`;
    entries.push({ kind, everyMs });
  }
  return entries;
}

/** The schedule back in RECONCILE_SCHEDULE's syntax, for log lines. */
export function describeReconcileSchedule(schedule: readonly ReconcileScheduleEntry[]): string {
  return schedule.length === 0
    ? 'off'
    : schedule.map((e) => `${e.kind}=${formatDuration(e.everyMs)}`).join(',');
}
