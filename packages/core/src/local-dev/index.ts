export * from './dev-webhook-secret.ts';
