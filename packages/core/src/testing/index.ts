export * from './test-database.ts';
export * from './throwaway-postgres.ts';
export * from './describe-each-database.ts';
