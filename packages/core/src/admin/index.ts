export * from './change-user-role.ts';
export * from './optional-tables.ts';
export * from './promote-listed-admin.ts';
export * from './read-overview.ts';
export * from './roles.ts';
