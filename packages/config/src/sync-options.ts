// DELETE_MODE and DEFAULT_ROLE as the sync rules take them (packages/core/src/sync).

/**
 * soft: the row stays inactive with deleted_at; hard: the row and its settings go; anonymize: the row stays
 * (its id keeps foreign keys valid), inactive, every personal field cleared (docs/privacy.md).
 * Whatever the mode, a tombstone keeps the id out and stored delivery payloads lose the person.
 */
export const USER_DELETE_MODES = ['soft', 'hard', 'anonymize'] as const;
export type UserDeleteMode = (typeof USER_DELETE_MODES)[number];

export interface SyncOptions {
  /** soft (default), hard or anonymize (USER_DELETE_MODES). */
  deleteMode?: UserDeleteMode;
  /** Role for a new user who claims no invitation. */
  defaultRole?: string;
}

export const DEFAULT_SYNC_OPTIONS: Required<SyncOptions> = { deleteMode: 'soft', defaultRole: 'member' };
