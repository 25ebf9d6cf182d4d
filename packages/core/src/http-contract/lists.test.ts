import { describe, expect, it } from 'vitest';
import { CLERK_EVENT_HANDLERS } from '../sync/clerk-event-handlers.ts';
import { CLERK_EVENT_TYPES } from './lists.ts';

describe('CLERK_EVENT_TYPES', () => {
  it('names exactly the event types the dispatch table handles', () => {
    expect([...CLERK_EVENT_TYPES].sort()).toEqual(Object.keys(CLERK_EVENT_HANDLERS).sort());
  });
});
