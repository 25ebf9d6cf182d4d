import { describe, expect, it } from 'vitest';
import { redirectTargetOrDefault, safeRedirectPath } from './safe-redirect.ts';

const ORIGIN = 'https://app.example.com';

describe('safeRedirectPath', () => {
  it.each([
    ['/dashboard', '/dashboard'],
    ['/dashboard?tab=profile#top', '/dashboard?tab=profile#top'],
    ['/a/../dashboard', '/dashboard'],
    ['/%2F%2Fevil.com', '/%2F%2Fevil.com'],
  ])('keeps the same-origin path %s', (raw, expected) => {
    expect(safeRedirectPath(raw, ORIGIN)).toBe(expected);
  });

  it.each([
    '//evil.com',
    '//evil.com/dashboard',
    '/\\evil.com',
    '\\\\evil.com',
    '/\\/evil.com',
    '/.//evil.com',
    '/..//evil.com',
    '/%2e//evil.com',
    '/%2E%2E//evil.com',
    '/a/..//evil.com',
    '/././/evil.com/dashboard',
    'https://evil.com/',
    'https://app.example.com/dashboard',
    'http:evil.com',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    ' /dashboard',
    '/\t/evil.com',
    '/\n/evil.com',
    'dashboard',
    '',
    null,
    undefined,
    `/${'a'.repeat(3000)}`,
  ])('refuses %j', (raw) => {
    expect(safeRedirectPath(raw, ORIGIN)).toBeNull();
  });
});

describe('redirectTargetOrDefault', () => {
  it('falls back for unsafe targets and for the auth pages themselves (no loops)', () => {
    expect(redirectTargetOrDefault('//evil.com', ORIGIN, '/dashboard')).toBe('/dashboard');
    expect(redirectTargetOrDefault('/sign-in', ORIGIN, '/dashboard')).toBe('/dashboard');
    expect(redirectTargetOrDefault('/sign-up/verify', ORIGIN, '/dashboard')).toBe('/dashboard');
    expect(redirectTargetOrDefault('/auth/callback?redirect_to=/x', ORIGIN, '/dashboard')).toBe('/dashboard');
    expect(redirectTargetOrDefault('/sign-insights', ORIGIN, '/dashboard')).toBe('/sign-insights');
    expect(redirectTargetOrDefault('/dashboard/settings', ORIGIN, '/dashboard')).toBe('/dashboard/settings');
  });
});
