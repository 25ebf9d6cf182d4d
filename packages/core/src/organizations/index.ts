export * from './organization.repository.ts';
