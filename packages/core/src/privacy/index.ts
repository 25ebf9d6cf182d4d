export * from './anonymize-user.ts';
export * from './export-user.ts';
