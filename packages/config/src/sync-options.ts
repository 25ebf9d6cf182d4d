// DELETE_MODE and DEFAULT_ROLE as the sync rules take them (packages/core/src/sync).

export type UserDeleteMode = 'soft' | 'hard';

export interface SyncOptions {
  /** soft (default): keep the row inactive with deleted_at. hard: remove the row and its settings. */
  deleteMode?: UserDeleteMode;
  /** Role for a new user who claims no invitation. */
  defaultRole?: string;
}

export const DEFAULT_SYNC_OPTIONS: Required<SyncOptions> = { deleteMode: 'soft', defaultRole: 'member' };
