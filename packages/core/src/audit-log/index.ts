export * from './audit-log.repository.ts';
