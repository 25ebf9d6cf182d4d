import { describe, expect, it } from 'vitest';
import { sampleClerkUser } from '../clerk/sample-clerk-payloads.ts';
import { InvalidClerkUserError } from './errors.ts';
import { mapClerkUser } from './map-clerk-user.ts';

describe('mapClerkUser', () => {
  it('maps a typical user, converting millisecond timestamps', () => {
    const user = sampleClerkUser({
      id: 'user_1',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      username: 'ada',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_500,
      lastSignInAt: 1_700_000_000_250,
      publicMetadata: { plan: 'pro' },
    });
    expect(mapClerkUser(user)).toEqual({
      clerk_id: 'user_1',
      email: 'ada@example.com',
      email_verified: true,
      first_name: 'Ada',
      last_name: 'Lovelace',
      username: 'ada',
      image_url: 'https://img.clerk.com/user_1.png',
      phone_number: null,
      phone_verified: false,
      public_metadata: { plan: 'pro' },
      last_sign_in_at: new Date(1_700_000_000_250),
      clerk_created_at: new Date(1_700_000_000_000),
      clerk_updated_at: new Date(1_700_000_000_500),
    });
  });

  it('takes the primary email by primary_email_address_id, not the first address', () => {
    const user = sampleClerkUser({
      email: 'primary@example.com',
      otherEmails: ['first@example.com', 'second@example.com'],
    });
    expect((user.email_addresses as unknown[]).length).toBe(3);
    expect(mapClerkUser(user).email).toBe('primary@example.com');
  });

  it('accepts a user with no email at all', () => {
    const fields = mapClerkUser(sampleClerkUser({ email: null }));
    expect(fields.email).toBeNull();
    expect(fields.email_verified).toBe(false);
  });

  it('maps a phone-only user with the phone verification status', () => {
    const fields = mapClerkUser(
      sampleClerkUser({ email: null, phone: '+15555550100', phoneVerified: false }),
    );
    expect(fields).toMatchObject({ email: null, phone_number: '+15555550100', phone_verified: false });
  });

  it('keeps an unverified primary email, marked unverified', () => {
    const fields = mapClerkUser(sampleClerkUser({ email: 'new@example.com', emailVerified: false }));
    expect(fields).toMatchObject({ email: 'new@example.com', email_verified: false });
  });

  it('treats null, missing and empty names as null', () => {
    const user = sampleClerkUser({ firstName: null, lastName: '', username: null, imageUrl: null });
    delete user.username;
    expect(mapClerkUser(user)).toMatchObject({
      first_name: null,
      last_name: null,
      username: null,
      image_url: null,
    });
  });

  it('keeps unicode names intact', () => {
    const fields = mapClerkUser(sampleClerkUser({ firstName: 'Zoë 👩🏽‍💻', lastName: '李小龍' }));
    expect(fields).toMatchObject({ first_name: 'Zoë 👩🏽‍💻', last_name: '李小龍' });
  });

  it('counts characters, not UTF-16 units, against limits', () => {
    expect(() => mapClerkUser(sampleClerkUser({ firstName: '😀'.repeat(256) }))).not.toThrow();
    expect(() => mapClerkUser(sampleClerkUser({ firstName: '😀'.repeat(257) }))).toThrow(
      InvalidClerkUserError,
    );
  });

  it.each([
    ['first_name', { firstName: 'x'.repeat(257) }],
    ['last_name', { lastName: 'x'.repeat(257) }],
    ['username', { username: 'x'.repeat(257) }],
    ['image_url', { imageUrl: `https://x/${'x'.repeat(2048)}` }],
    ['email', { email: `${'x'.repeat(320)}@example.com` }],
  ])('rejects an over-long %s with a message naming the field', (field, options) => {
    expect(() => mapClerkUser(sampleClerkUser(options))).toThrow(new RegExp(`data\\.${field}: longer than`));
  });

  it.each([
    ['a missing id', (u: Record<string, unknown>) => delete u.id, 'data.id'],
    ['a numeric first_name', (u: Record<string, unknown>) => (u.first_name = 42), 'data.first_name'],
    ['a string updated_at', (u: Record<string, unknown>) => (u.updated_at = '2024-01-01'), 'data.updated_at'],
    [
      'email_addresses not a list',
      (u: Record<string, unknown>) => (u.email_addresses = 'a@b.c'),
      'data.email_addresses',
    ],
    ['a NUL in a name', (u: Record<string, unknown>) => (u.first_name = 'a\u0000b'), 'data.first_name'],
    [
      'an unpaired surrogate in a name',
      (u: Record<string, unknown>) => (u.last_name = 'x\ud800'),
      'data.last_name',
    ],
    [
      'an unpaired surrogate in a metadata key',
      (u: Record<string, unknown>) => (u.public_metadata = { '\udc00': 1 }),
      'data.public_metadata',
    ],
    [
      'metadata nested past the limit',
      (u: Record<string, unknown>) =>
        (u.public_metadata = { deep: JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`) }),
      'data.public_metadata: nested deeper',
    ],
  ])('rejects %s with a clear message', (_label, mutate, path) => {
    const user = sampleClerkUser();
    mutate(user);
    expect(() => mapClerkUser(user)).toThrow(InvalidClerkUserError);
    expect(() => mapClerkUser(user)).toThrow(path);
  });
});
