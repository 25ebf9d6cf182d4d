import { type RawBuilder, sql } from 'kysely';

/** Page sizes every paged list accepts. */
export const PAGE_LIMIT = { default: 50, max: 200 } as const;

export function clampPageLimit(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? PAGE_LIMIT.default), 1), PAGE_LIMIT.max);
}

/**
 * Keyset paging, newest first, for a table ordered by (created_at DESC, <key> DESC): rows after the
 * cursor row. The cursor is the key of the last row of the previous page; its created_at is read from
 * the stored row because timestamptz keeps microseconds and a JS Date only milliseconds. A cursor that
 * names no row matches nothing (an empty page, not an error).
 */
export function olderThanCursor(table: string, key: string, cursor: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.${key}`)}) < (
    SELECT c.created_at, ${sql.ref(`c.${key}`)} FROM ${sql.table(table)} AS c WHERE ${sql.ref(`c.${key}`)} = ${cursor}
  )`;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says whether there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? keyOf(last) : null };
}
