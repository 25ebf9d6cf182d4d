export * from './create-database.ts';
export * from './schema.ts';
