export * from './clerk-webhook-answers.ts';
export * from './clerk-webhook-handler.ts';
