export * from './user.repository.ts';
export * from './user-tombstone.repository.ts';
