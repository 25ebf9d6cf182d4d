import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns, startFakeClerkBackendApi } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, deliver, testAppConfig, WEB_ORIGIN } from '../testing/index.ts';

// The user's organizations in the profile, and the organization fallback of POST /api/v1/users/sync:
// a session token naming an active organization makes sure the organization and the membership exist,
// read from Clerk's Backend API (the stand-in), never from the request.

describeEachDatabase('/api/v1/users and organizations', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk));
  });
  afterEach(() => clerk.clerkApi.setFault(undefined));
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  /** A user who belongs to an organization in Clerk; our database has none of it yet. */
  function clerkMember(options: { role?: string; name?: string } = {}) {
    const user = sampleClerkUser();
    const organization = sampleClerkOrganization({ name: options.name ?? 'Analytical Engines' });
    const membership = sampleClerkOrganizationMembership({
      organization,
      userId: user.id as string,
      role: options.role ?? 'org:admin',
    });
    clerk.clerkApi.users.set(user.id as string, user);
    clerk.clerkApi.organizations.set(organization.id as string, organization);
    clerk.clerkApi.memberships.set(membership.id as string, membership);
    return { user, organization, membership, userId: user.id as string, orgId: organization.id as string };
  }

  /** Session-token claims naming the active organization, in Clerk's v2 (`o`) or v1 (`org_*`) form. */
  const orgClaims = (version: 1 | 2, orgId: string, role = 'admin', slug = 'engines') =>
    version === 2
      ? { v: 2, o: { id: orgId, rol: role, slg: slug } }
      : { org_id: orgId, org_role: `org:${role}`, org_slug: slug };

  const sync = (userId: string, extra?: Record<string, unknown>, target = app) =>
    target.inject({
      method: 'POST',
      url: '/api/v1/users/sync',
      headers: { authorization: `Bearer ${clerk.signer.sign({ userId, azp: WEB_ORIGIN, extra })}` },
    });
  const orgCalls = (orgId: string, userId: string) =>
    clerk.clerkApi.requests.filter(
      (r) =>
        r === `GET /v1/organizations/${orgId}` || r === `GET /v1/users/${userId}/organization_memberships`,
    ).length;

  describe('POST /sync with an active organization in the session token', () => {
    for (const version of [2, 1] as const) {
      it(`(v${version} claims) creates the organization and the membership from Clerk, then calls Clerk no more`, async () => {
        const member = clerkMember({ role: 'org:admin', name: `Engines v${version}` });
        const first = await sync(member.userId, orgClaims(version, member.orgId));
        expect(first.statusCode).toBe(201);
        expect(first.json().profile.organizations).toEqual([
          {
            id: member.orgId,
            name: `Engines v${version}`,
            slug: member.organization.slug,
            imageUrl: member.organization.image_url,
            role: 'org:admin',
            plan: null,
          },
        ]);
        expect(orgCalls(member.orgId, member.userId)).toBe(2);
        const row = await use()
          .db.selectFrom('organization_memberships')
          .selectAll()
          .where('clerk_id', '=', member.membership.id as string)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          role: 'org:admin',
          user_id: first.json().profile.id,
          organization_id: expect.any(String),
        });

        const again = await sync(member.userId, orgClaims(version, member.orgId));
        expect(again.statusCode).toBe(200);
        expect(again.json().profile.organizations).toHaveLength(1);
        expect(orgCalls(member.orgId, member.userId)).toBe(2);
      });
    }

    it('takes nothing about the organization from the token but its id: name and role come from Clerk', async () => {
      const member = clerkMember({ role: 'org:member', name: 'Real Name' });
      const response = await sync(member.userId, {
        v: 2,
        o: { id: member.orgId, rol: 'admin', slg: 'forged-slug', name: 'Forged' },
      });
      expect(response.json().profile.organizations).toEqual([
        expect.objectContaining({ name: 'Real Name', role: 'org:member', slug: member.organization.slug }),
      ]);
    });

    it('makes no organization calls without an organization in the token', async () => {
      const member = clerkMember();
      const response = await sync(member.userId);
      expect(response.statusCode).toBe(201);
      expect(response.json().profile.organizations).toEqual([]);
      expect(orgCalls(member.orgId, member.userId)).toBe(0);
    });

    it('answers 503 with Retry-After when Clerk rate-limits the organization read, and writes no organization', async () => {
      const member = clerkMember();
      clerk.clerkApi.setFault(({ path }) =>
        path.startsWith('/v1/organizations/') ? { status: 429, retryAfter: 9 } : undefined,
      );
      const response = await sync(member.userId, orgClaims(2, member.orgId));
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('9');
      expect(response.json()).toMatchObject({ code: 'clerk_rate_limited' });
      const rows = await use()
        .db.selectFrom('organizations')
        .select('id')
        .where('clerk_id', '=', member.orgId)
        .execute();
      expect(rows).toEqual([]);
      clerk.clerkApi.setFault(undefined);
      expect(
        (await sync(member.userId, orgClaims(2, member.orgId))).json().profile.organizations,
      ).toHaveLength(1);
    });

    it('answers 503 when Clerk fails on the memberships read', async () => {
      const member = clerkMember();
      clerk.clerkApi.setFault(({ path }) =>
        path.endsWith('/organization_memberships') ? { status: 500 } : undefined,
      );
      const response = await sync(member.userId, orgClaims(2, member.orgId));
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'clerk_unavailable' });
    });

    it('succeeds without the organization when Clerk no longer has it, or the user is not a member', async () => {
      const member = clerkMember();
      clerk.clerkApi.organizations.delete(member.orgId);
      const gone = await sync(member.userId, orgClaims(2, member.orgId));
      expect(gone.statusCode).toBe(201);
      expect(gone.json().profile.organizations).toEqual([]);

      const other = clerkMember();
      clerk.clerkApi.memberships.delete(other.membership.id as string);
      const notMember = await sync(other.userId, orgClaims(2, other.orgId));
      expect(notMember.statusCode).toBe(201);
      expect(notMember.json().profile.organizations).toEqual([]);
    });

    it('answers 502 and writes nothing when Clerk answers with another organization than the one asked for', async () => {
      const member = clerkMember();
      const other = sampleClerkOrganization({ name: 'Someone else' });
      clerk.clerkApi.organizations.set(member.orgId, other);
      const response = await sync(member.userId, orgClaims(2, member.orgId));
      expect(response.statusCode).toBe(502);
      expect(response.json()).toMatchObject({ code: 'clerk_organization_mismatch' });
      const rows = await use()
        .db.selectFrom('organizations')
        .select('id')
        .where('clerk_id', 'in', [member.orgId, other.id as string])
        .execute();
      expect(rows).toEqual([]);
    });

    it('asks Clerk nothing about an organization deleted here', async () => {
      const member = clerkMember();
      await deliver(app, clerk, sampleClerkEvent('organization.deleted', member.organization));
      const response = await sync(member.userId, orgClaims(2, member.orgId));
      expect(response.statusCode).toBe(201);
      expect(response.json().profile.organizations).toEqual([]);
      expect(orgCalls(member.orgId, member.userId)).toBe(0);
    });

    it('makes one organization read for concurrent first requests of one member', async () => {
      const slowClerk = await startFakeClerkBackendApi({ secretKey: clerk.keys.secretKey, latencyMs: 150 });
      const { app: replica } = await buildTestApp(use().db, clerk, {
        config: { clerk: { ...testAppConfig(clerk).clerk, apiUrl: slowClerk.url } },
      });
      const member = clerkMember();
      slowClerk.users.set(member.userId, member.user);
      slowClerk.organizations.set(member.orgId, member.organization);
      slowClerk.memberships.set(member.membership.id as string, member.membership);
      // The user row exists already: only the organization is missing.
      await deliver(app, clerk, sampleClerkEvent('user.created', member.user));
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => sync(member.userId, orgClaims(2, member.orgId), replica)),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
      expect(responses.every((r) => r.json().profile.organizations.length === 1)).toBe(true);
      expect(slowClerk.requests.filter((r) => r === `GET /v1/organizations/${member.orgId}`)).toHaveLength(1);
      const rows = await use()
        .db.selectFrom('organization_memberships')
        .select('id')
        .where('clerk_user_id', '=', member.userId)
        .execute();
      expect(rows).toHaveLength(1);
      await replica.close();
      await slowClerk.close();
    });
  });

  describe('GET /profile', () => {
    it('lists the active organizations with the user’s role, and drops one when it is deleted or the membership ends', async () => {
      const member = clerkMember();
      await deliver(app, clerk, sampleClerkEvent('user.created', member.user));
      await deliver(app, clerk, sampleClerkEvent('organizationMembership.created', member.membership));
      const other = sampleClerkOrganizationMembership({
        organization: sampleClerkOrganization({ name: 'Babbage & Co' }),
        userId: member.userId,
        role: 'org:member',
      });
      await deliver(app, clerk, sampleClerkEvent('organizationMembership.created', other));
      const profile = async () =>
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/users/profile',
            headers: {
              authorization: `Bearer ${clerk.signer.sign({ userId: member.userId, azp: WEB_ORIGIN })}`,
            },
          })
        ).json().organizations;
      expect(await profile()).toEqual([
        expect.objectContaining({ name: 'Analytical Engines', role: 'org:admin' }),
        expect.objectContaining({ name: 'Babbage & Co', role: 'org:member' }),
      ]);
      await deliver(app, clerk, sampleClerkEvent('organization.deleted', member.organization));
      expect(await profile()).toEqual([expect.objectContaining({ name: 'Babbage & Co' })]);
      await deliver(app, clerk, sampleClerkEvent('organizationMembership.deleted', other));
      expect(await profile()).toEqual([]);
    });
  });
});
