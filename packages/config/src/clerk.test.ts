import { describe, expect, it } from 'vitest';
import { frontendApiHostFromPublishableKey } from './clerk.ts';

describe('frontendApiHostFromPublishableKey', () => {
  it('decodes the Frontend API host from pk_test_/pk_live_ keys', () => {
    const test = `pk_test_${Buffer.from('usersync-test.clerk.accounts.dev$').toString('base64')}`;
    expect(frontendApiHostFromPublishableKey(test)).toBe('usersync-test.clerk.accounts.dev');
    const live = `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}`;
    expect(frontendApiHostFromPublishableKey(live)).toBe('clerk.example.com');
  });

  it.each([
    null,
    '',
    'sk_test_abc',
    'pk_test_',
    `pk_test_${Buffer.from('no-dollar.example.com').toString('base64')}`,
  ])('rejects %s', (key) => {
    expect(frontendApiHostFromPublishableKey(key)).toBeNull();
  });
});
