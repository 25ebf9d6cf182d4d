export * from './create-database.ts';
export * from './keyset-page.ts';
export * from './schema.ts';
