export * from './clerk-webhook-answers.ts';
export * from './clerk-webhook-handler.ts';
export * from './svix-signature.ts';
