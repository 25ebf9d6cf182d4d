import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  AdminOrganizationDetail,
  AdminOverview,
  AdminUserDetail,
  AuditEntry,
  DeliveryDetail,
  DeliverySummary,
} from '@usersync/core/http-contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderApp, sampleProfile, TEST_USER } from '../../../testing/render-app.tsx';
import { type ScriptedApiServer, startScriptedApiServer } from '../../../testing/scripted-api-server.ts';

const PROFILE = 'GET /api/v1/users/profile';
const OVERVIEW = 'GET /api/v1/admin/overview';
const DELIVERIES = 'GET /api/v1/admin/webhook-events';
const NOW = '2026-11-30T12:30:00.000Z';

let api: ScriptedApiServer;
beforeAll(async () => {
  api = await startScriptedApiServer();
});
afterAll(() => api.close());
afterEach(() => {
  expect(api.unhandled).toEqual([]);
  api.requests.length = 0;
  api.unhandled.length = 0;
});

function delivery(overrides: Partial<DeliverySummary> = {}): DeliverySummary {
  return {
    svixId: 'msg_ok_1',
    source: 'clerk',
    type: 'user.updated',
    clerkUserId: 'user_2bob',
    status: 'applied',
    error: null,
    attempts: 1,
    receivedAt: '2026-11-30T11:05:00.000Z',
    processedAt: '2026-11-30T11:05:00.100Z',
    ...overrides,
  };
}
const failed = delivery({
  svixId: 'msg_failed_1',
  status: 'failed',
  error: 'database restarted',
  type: 'user.created',
});

function overview(overrides: Partial<AdminOverview['deliveries']> = {}): AdminOverview {
  return {
    generatedAt: NOW,
    users: { active: 42, inactive: 1, deleted: 3 },
    organizations: null,
    deliveries: {
      last24h: {
        byStatusAndType: [
          { status: 'applied', type: 'user.updated', count: 40 },
          { status: 'failed', type: 'user.created', count: 1 },
        ],
        perHour: [
          { hour: '2026-11-30T11:00:00.000Z', status: 'applied', count: 40 },
          { hour: '2026-11-30T11:00:00.000Z', status: 'failed', count: 1 },
        ],
      },
      lastDeliveryAt: '2026-11-30T11:05:00.000Z',
      unrecovered: { count: 1, oldestAt: '2026-11-30T09:15:00.000Z', latest: [failed] },
      lag: { p50Ms: 120, p95Ms: 900, samples: 41, thresholdMs: 60_000 },
      ...overrides,
    },
    lastReconcileRun: null,
    billing: { pastDuePayers: 0 },
  };
}

const asAdmin = () => api.reply(PROFILE, { status: 200, body: sampleProfile({ role: 'admin' }) });

describe('/admin', () => {
  it('shows non-admins "Admins only", no Admin link, and calls no admin route', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile({ role: 'member' }) });
    renderApp('/admin', { apiUrl: api.url });
    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeVisible();
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();
    expect(api.requests.filter((r) => r.path.startsWith('/api/v1/admin'))).toEqual([]);
  });

  it('overview: cards, chart, and the failed delivery with how to recover it in Clerk’s dashboard', async () => {
    asAdmin();
    api.reply(OVERVIEW, { status: 200, body: overview() });
    renderApp('/admin', { apiUrl: api.url });
    expect(await screen.findByRole('heading', { name: 'Sync overview' })).toBeVisible();
    expect(screen.getByRole('link', { name: 'Admin' })).toHaveAttribute('aria-current', 'page');
    expect((await screen.findByText('Active users')).nextSibling).toHaveTextContent('42');
    const attention = screen.getByRole('region', { name: 'Needs attention' });
    expect(within(attention).getByText('1 delivery failed and not recovered')).toBeVisible();
    expect(within(attention).getByRole('link', { name: 'msg_failed_1' })).toHaveAttribute(
      'href',
      '/admin/deliveries?open=msg_failed_1',
    );
    expect(attention).toHaveTextContent('Webhooks → your endpoint → Recover failed messages');
    expect(within(attention).getByText('2026-11-30T09:15:00.000Z')).toBeVisible();
    expect(screen.getByRole('img', { name: /41 deliveries in the last 24 hours/ })).toBeVisible();
  });

  it('overview: all clear, and high lag needs attention', async () => {
    asAdmin();
    api.reply(OVERVIEW, {
      status: 200,
      body: overview({
        unrecovered: { count: 0, oldestAt: null, latest: [] },
        lag: { p50Ms: 5000, p95Ms: 90_000, samples: 3, thresholdMs: 60_000 },
      }),
    });
    renderApp('/admin', { apiUrl: api.url });
    const attention = await screen.findByRole('region', { name: 'Needs attention' });
    expect(attention).toHaveTextContent('Processing lag is high: p95 2 min');
    expect(attention).not.toHaveTextContent('failed and not recovered');
  });

  it('overview: an error offers Try again', async () => {
    asAdmin();
    api.reply(
      OVERVIEW,
      { status: 503, body: { error: 'Database unavailable' } },
      { status: 200, body: overview() },
    );
    renderApp('/admin', { apiUrl: api.url });
    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Needs attention' })).toBeVisible();
  });

  it('deliveries: filters go to the API; the drawer shows the payload and replays; Escape closes it', async () => {
    asAdmin();
    const firstPage = { status: 200, body: { items: [failed, delivery()], nextCursor: 'msg_ok_1' } };
    const nextPage = { status: 200, body: { items: [delivery({ svixId: 'msg_ok_0' })], nextCursor: null } };
    api.reply(DELIVERIES, firstPage, firstPage, nextPage, firstPage);
    const detail: DeliveryDetail = {
      ...failed,
      payload: { type: 'user.created', data: { id: 'user_2bob' } },
      replays: [],
    };
    api.reply('GET /api/v1/admin/webhook-events/msg_failed_1', { status: 200, body: detail });
    api.reply('POST /api/v1/admin/webhook-events/msg_failed_1/replay', {
      status: 200,
      body: {
        replayOf: 'msg_failed_1',
        svixId: 'replay:msg_failed_1:abc',
        status: 'applied',
        reason: null,
        originalStatus: 'failed',
      },
    });
    renderApp('/admin/deliveries', { apiUrl: api.url });
    const table = await screen.findByRole('region', { name: 'Deliveries' });
    expect(within(table).getByText('database restarted')).toBeVisible();

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() => expect(api.requestsTo(DELIVERIES).at(-1)!.search).toBe('?status=failed'));
    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    await waitFor(() =>
      expect(api.requestsTo(DELIVERIES).at(-1)!.search).toBe('?status=failed&cursor=msg_ok_1'),
    );

    const opener = screen.getByRole('button', { name: 'msg_failed_1' });
    await userEvent.click(opener);
    const drawer = await screen.findByRole('dialog', { name: 'Delivery msg_failed_1' });
    expect(await within(drawer).findByRole('region', { name: 'Payload' })).toHaveTextContent(
      '"type": "user.created"',
    );
    expect(within(drawer).getByText('database restarted')).toBeVisible();
    await userEvent.click(within(drawer).getByRole('button', { name: 'Replay' }));
    expect(await within(drawer).findByRole('status')).toHaveTextContent('Replayed: applied');
    expect(api.requestsTo('POST /api/v1/admin/webhook-events/msg_failed_1/replay')).toHaveLength(1);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'msg_failed_1' })).toHaveFocus();
  });

  it('deliveries: the type filter offers organization events too, and sends the chosen one', async () => {
    asAdmin();
    const page = { status: 200, body: { items: [], nextCursor: null } };
    api.reply(DELIVERIES, page, page);
    renderApp('/admin/deliveries', { apiUrl: api.url });
    await screen.findByText('No deliveries match.');
    const type = screen.getByLabelText('Type');
    expect(within(type).getByRole('option', { name: 'organizationMembership.deleted' })).toBeInTheDocument();
    await userEvent.selectOptions(type, 'organization.created');
    await waitFor(() => expect(api.requestsTo(DELIVERIES).at(-1)!.search).toBe('?type=organization.created'));
  });

  it('users: search, detail, role change with confirmation (and its failure), resync', async () => {
    asAdmin();
    const bob = {
      id: '7b0e7f5e-3c2a-4d0f-9a55-0c7a1a3c9e12',
      clerkId: 'user_2bob',
      email: 'bob@example.com',
      emailVerified: true,
      firstName: 'Bob',
      lastName: 'Builder',
      username: null,
      imageUrl: null,
      role: 'member',
      status: 'active' as const,
      lastSignInAt: null,
      createdAt: '2026-11-29T10:00:00.000Z',
    };
    api.reply('GET /api/v1/admin/users', { status: 200, body: { items: [bob], nextCursor: null } });
    const detail: AdminUserDetail = {
      user: {
        ...bob,
        phoneNumber: null,
        publicMetadata: {},
        appMetadata: {},
        clerkUpdatedAt: null,
        deletedAt: null,
        banned: false,
        locked: false,
      },
      plan: null,
      settings: { theme: 'system', preferences: {} },
      memberships: null,
      deliveries: [delivery()],
      roles: ['member', 'admin'],
    };
    api.reply('GET /api/v1/admin/users/user_2bob', { status: 200, body: detail });
    api.reply(
      'PATCH /api/v1/admin/users/user_2bob',
      {
        status: 503,
        body: { error: 'Could not reach Clerk; change the role again shortly', code: 'clerk_unavailable' },
      },
      {
        status: 200,
        body: { user: { ...detail.user, role: 'admin' }, previousRole: 'member', changed: true },
      },
    );
    api.reply('POST /api/v1/admin/users/user_2bob/resync', {
      status: 200,
      body: { outcome: 'unchanged', user: detail.user },
    });

    renderApp('/admin/users', { apiUrl: api.url });
    await userEvent.type(await screen.findByLabelText('Search'), 'bob');
    await waitFor(() => expect(api.requestsTo('GET /api/v1/admin/users').at(-1)!.search).toBe('?q=bob'));
    await userEvent.click(await screen.findByRole('link', { name: 'Bob Builder' }));
    expect(await screen.findByRole('heading', { name: 'Bob Builder' })).toBeVisible();

    await userEvent.click(screen.getByRole('button', { name: 'Change role' }));
    const dialog = screen.getByRole('dialog', { name: 'Change the role of Bob Builder' });
    await userEvent.selectOptions(within(dialog).getByLabelText('Role'), 'admin');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(within(dialog).getByText(/public_metadata.role/)).toBeVisible();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Make admin' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Could not reach Clerk');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Make admin' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.requestsTo('PATCH /api/v1/admin/users/user_2bob').map((r) => r.body)).toEqual([
      { role: 'admin' },
      { role: 'admin' },
    ]);
    expect(await screen.findByText('Role changed.')).toBeVisible();

    await userEvent.click(screen.getByRole('button', { name: 'Resync from Clerk' }));
    expect(await screen.findByText('Resynced from Clerk: unchanged.')).toBeVisible();
  });

  it('issue 23: past-due payers on the overview; banned, locked and the plan on a user page', async () => {
    asAdmin();
    api.reply(OVERVIEW, { status: 200, body: { ...overview(), billing: { pastDuePayers: 3 } } });
    renderApp('/admin', { apiUrl: api.url });
    expect((await screen.findByText('Past-due payers')).nextSibling).toHaveTextContent('3');

    const detail: AdminUserDetail = {
      user: {
        id: '7b0e7f5e-3c2a-4d0f-9a55-0c7a1a3c9e13',
        clerkId: 'user_2cy',
        email: 'cy@example.com',
        emailVerified: true,
        firstName: 'Cy',
        lastName: 'Banned',
        username: null,
        imageUrl: null,
        role: 'member',
        status: 'active',
        lastSignInAt: null,
        createdAt: '2026-11-29T10:00:00.000Z',
        phoneNumber: null,
        publicMetadata: {},
        appMetadata: {},
        clerkUpdatedAt: null,
        deletedAt: null,
        banned: true,
        locked: true,
      },
      plan: { slug: 'pro', name: 'Pro', status: 'past_due', periodEnd: null },
      settings: { theme: 'system', preferences: {} },
      memberships: null,
      deliveries: [],
      roles: ['member', 'admin'],
    };
    api.reply('GET /api/v1/admin/users/user_2cy', { status: 200, body: detail });
    renderApp('/admin/users/user_2cy', { apiUrl: api.url });
    const profile = await screen.findByRole('region', { name: 'Profile' });
    expect(within(profile).getByText('Banned').nextSibling).toHaveTextContent(
      'Yes: the API refuses them (403)',
    );
    expect(within(profile).getByText('Locked').nextSibling).toHaveTextContent('not a ban');
    expect(within(profile).getByText('Plan').nextSibling).toHaveTextContent('Pro (pro) · past_due');
  });

  it('issue 23: an organization page shows its plan and members', async () => {
    asAdmin();
    const detail: AdminOrganizationDetail = {
      organization: {
        clerkId: 'org_2acme',
        name: 'Acme',
        slug: 'acme',
        imageUrl: null,
        status: 'active',
        clerkUpdatedAt: null,
      },
      plan: { slug: 'business', name: 'Business', status: 'past_due', periodEnd: null },
      members: [
        { clerkUserId: 'user_2bob', role: 'org:admin', email: 'bob@example.com', name: 'Bob Builder' },
      ],
    };
    api.reply('GET /api/v1/admin/organizations/org_2acme', { status: 200, body: detail });
    renderApp('/admin/organizations/org_2acme', { apiUrl: api.url });
    expect(await screen.findByRole('heading', { name: 'Acme' })).toBeVisible();
    const facts = screen.getByRole('region', { name: 'Organization' });
    expect(within(facts).getByText('Plan').nextSibling).toHaveTextContent('Business (business) · past_due');
    expect(screen.getByRole('link', { name: 'Bob Builder' })).toHaveAttribute(
      'href',
      '/admin/users/user_2bob',
    );
  });

  it('audit: who did what to whom', async () => {
    asAdmin();
    const entry: AuditEntry = {
      id: 'a1',
      actor: TEST_USER.id,
      actorEmail: 'ada@example.com',
      action: 'user.role_changed',
      targetType: 'user',
      targetId: 'user_2bob',
      before: { role: 'member' },
      after: { role: 'admin' },
      createdAt: NOW,
    };
    api.reply('GET /api/v1/admin/audit-log', { status: 200, body: { items: [entry], nextCursor: null } });
    renderApp('/admin/audit', { apiUrl: api.url });
    const table = await screen.findByRole('region', { name: 'Admin actions' });
    expect(within(table).getByText('role: member → role: admin')).toBeVisible();
    expect(within(table).getByRole('link', { name: 'user_2bob' })).toHaveAttribute(
      'href',
      '/admin/users/user_2bob',
    );
  });
});
