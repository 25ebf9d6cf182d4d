export * from './clerk-payloads.ts';
export * from './sample-clerk-payloads.ts';
