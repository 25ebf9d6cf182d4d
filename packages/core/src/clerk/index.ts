export * from './clerk-billing-payloads.ts';
export * from './clerk-organization-payloads.ts';
export * from './clerk-payloads.ts';
export * from './sample-clerk-payloads.ts';
export * from './svix-signature.ts';
