import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from '@usersync/config';

// The options and their defaults are configuration: packages/config/src/sync-options.ts.
export {
  DEFAULT_SYNC_OPTIONS,
  type SyncOptions,
  USER_DELETE_MODES,
  type UserDeleteMode,
} from '@usersync/config';

export function withDefaults(options: SyncOptions | undefined): Required<SyncOptions> {
  return {
    deleteMode: options?.deleteMode ?? DEFAULT_SYNC_OPTIONS.deleteMode,
    defaultRole: options?.defaultRole ?? DEFAULT_SYNC_OPTIONS.defaultRole,
  };
}
