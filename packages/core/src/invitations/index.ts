export * from './invitation.repository.ts';
