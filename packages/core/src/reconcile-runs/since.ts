import type { Db } from '../db/create-database.ts';
import { parseDuration } from './duration.ts';
import { latestWatermark } from './reconcile-run.repository.ts';

/**
 * Read again before the watermark: Clerk's clock (updated_at) and the database's (the run's start)
 * may differ a little; re-reading a minute of unchanged users costs nothing, missing one costs drift.
 */
export const WATERMARK_OVERLAP_MS = 60_000;

/** `--since`: an instant, a duration back from now, or the last recorded watermark. */
export type SinceSpec = { kind: 'instant'; at: Date } | { kind: 'ago'; ms: number } | { kind: 'last' };

/** Parses `--since <ISO|duration|last>`; null when it is none of them. */
export function parseSince(text: string): SinceSpec | null {
  const value = text.trim();
  if (value === 'last') return { kind: 'last' };
  const ms = parseDuration(value);
  if (ms !== null) return { kind: 'ago', ms };
  // An ISO 8601 date or date-time (Date.parse alone accepts too much, e.g. "1").
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return { kind: 'instant', at };
  }
  return null;
}

/** The instant a spec means now; null for `last` when no applied run has succeeded yet. */
export async function resolveSince(db: Db, spec: SinceSpec, now = Date.now()): Promise<Date | null> {
  switch (spec.kind) {
    case 'instant':
      return spec.at;
    case 'ago':
      return new Date(now - spec.ms);
    case 'last': {
      const watermark = await latestWatermark(db);
      return watermark ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS) : null;
    }
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown since ${JSON.stringify(unreachable)}`);
    }
  }
}
