export * from './billing.repository.ts';
