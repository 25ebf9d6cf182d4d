export * from './create-database.ts';
export * from './keyset-page.ts';
export { type PreparedStatement, runPrepared } from './prepared-statement.ts';
export * from './schema.ts';
