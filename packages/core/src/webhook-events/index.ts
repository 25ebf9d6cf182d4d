export * from './webhook-event.repository.ts';
