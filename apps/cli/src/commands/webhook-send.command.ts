import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import {
  CLERK_EVENT_TYPES,
  type ClerkEventType,
  clerkId,
  findUserByClerkId,
  type OrganizationEventType,
  type SampleUserOptions,
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationInvitation,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
  signSvixDelivery,
  type UserEventType,
} from '@usersync/core/internal';
import { type CommandContext, resolvePath } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';

export interface WebhookSendOptions {
  url?: string;
  secret?: string;
  userId?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  /** Organization events: the organization's Clerk id, name and slug. */
  orgId?: string;
  name?: string;
  slug?: string;
  /** Membership and invitation events: the role (`admin` is sent as Clerk's `org:admin`). */
  role?: string;
  membershipId?: string;
  invitationId?: string;
  /** A Clerk object (UserJSON, OrganizationJSON, …) or a whole event envelope. */
  file?: string;
  svixId?: string;
  /** Print the body sent. */
  verbose?: boolean;
  /** Send to a host other than this machine (a signed delivery can be replayed there for 5 minutes). */
  allowRemote?: boolean;
  json?: boolean;
}

/** localhost, 127.0.0.0/8 or ::1: this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.');
}

/** A test tool signs with the real secret: it posts to this machine only, unless told otherwise. */
function checkTarget(url: string, allowRemote: boolean | undefined): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url ${url} is not a URL`, EXIT.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(`--url must be http(s), not ${parsed.protocol}`, EXIT.usage);
  }
  if (!allowRemote && !isLoopbackHost(parsed.hostname)) {
    throw new CliError(
      `refusing to send a signed delivery to ${parsed.host}: it is not this machine, and whoever receives it can replay it to your API for 5 minutes. Pass --allow-remote if that is what you want.`,
      EXIT.refused,
    );
  }
}

/** `webhook send` builds every event type the write path applies. */
function isSendableEventType(value: string): value is ClerkEventType {
  return (CLERK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * `usersync webhook send <type>`: builds a realistic Clerk event, signs it as Svix does and posts it
 * to the API, so the whole receiving path runs locally without a tunnel or the Clerk Dashboard.
 */
export async function webhookSendCommand(
  ctx: CommandContext,
  type: string,
  options: WebhookSendOptions,
): Promise<ExitCode> {
  if (!isSendableEventType(type)) {
    throw new CliError(
      `unknown event type "${type}": use one of ${CLERK_EVENT_TYPES.join(', ')}`,
      EXIT.usage,
    );
  }
  const secret = options.secret ?? ctx.config.webhookSigningSecret;
  if (!secret) {
    throw new CliError(
      'no signing secret: start `npm run dev` once (its API makes a local one that this command reads), or set CLERK_WEBHOOK_SIGNING_SECRET in .env as the API uses, or pass --secret',
      EXIT.usage,
    );
  }
  const url = options.url ?? ctx.config.webhookUrl;
  checkTarget(url, options.allowRemote);
  const { event, sent } = await buildEvent(ctx, type, options);
  const body = JSON.stringify(event);
  let svixHeaders: ReturnType<typeof signSvixDelivery>;
  try {
    svixHeaders = signSvixDelivery(secret, body, options.svixId ? { svixId: options.svixId } : {});
  } catch (error) {
    throw new CliError(
      `the signing secret is not usable (expected whsec_…): ${(error as Error).message}`,
      EXIT.usage,
    );
  }
  const svixId = svixHeaders['svix-id'];
  const objectId = (event.data as { id?: unknown }).id;
  if (options.verbose) ctx.io.err(`body: ${body}`);

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'usersync-cli (webhook send)',
        ...svixHeaders,
      },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(15_000), ...(ctx.signal ? [ctx.signal] : [])]),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(
      `could not reach ${url} (${cause}): is the API running? (\`npm run dev\`, or pass --url)`,
    );
  }
  const text = await response.text();
  let responseBody: unknown = text;
  try {
    responseBody = JSON.parse(text);
  } catch {}
  if (options.json) {
    ctx.io.out(
      JSON.stringify(
        { type, svixId, id: objectId, url, status: response.status, ok: response.ok, body: responseBody },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(`Sent ${type} for ${String(objectId)} (svix-id ${svixId}) to ${url}`);
    ctx.io.out(`${response.status} ${response.statusText}`);
    if (text) ctx.io.out(typeof responseBody === 'string' ? text : JSON.stringify(responseBody, null, 2));
  }
  if (response.ok && type.startsWith('user.')) await rememberSentUser(ctx, type as UserEventType, sent);
  return response.ok ? EXIT.ok : EXIT.failure;
}

async function buildEvent(
  ctx: CommandContext,
  type: ClerkEventType,
  options: WebhookSendOptions,
): Promise<{ event: Record<string, unknown>; sent: SampleUserOptions & { id: string } }> {
  if (options.file) {
    const path = resolvePath(ctx, options.file);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new CliError(`cannot read ${path} as JSON: ${(error as Error).message}`, EXIT.usage);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CliError(
        `${path} must hold a Clerk object (user, organization, …) or a Clerk event`,
        EXIT.usage,
      );
    }
    const record = json as Record<string, unknown>;
    if ('data' in record && 'type' in record) {
      if (record.type !== type) {
        throw new CliError(`${path} holds a ${String(record.type)} event, not ${type}`, EXIT.usage);
      }
      return { event: record, sent: { id: String((record.data as { id?: unknown } | null)?.id) } };
    }
    if (typeof record.id !== 'string') throw new CliError(`${path}: the object has no "id"`, EXIT.usage);
    return { event: sampleClerkEvent(type, record), sent: { id: record.id } };
  }
  if (type.startsWith('organization')) {
    const event = buildOrganizationEvent(type as OrganizationEventType, options);
    return { event, sent: { id: String((event.data as { id?: unknown }).id) } };
  }
  if ((type === 'user.deleted' || type === 'user.updated') && !options.userId) {
    throw new CliError(`${type} needs --user-id (the Clerk id of the user)`, EXIT.usage);
  }
  const given: SampleUserOptions = {
    ...(options.email !== undefined && { email: options.email }),
    ...(options.firstName !== undefined && { firstName: options.firstName }),
    ...(options.lastName !== undefined && { lastName: options.lastName }),
    ...(options.username !== undefined && { username: options.username }),
  };
  const id = options.userId ?? clerkId('user');
  let base: SampleUserOptions = {};
  if (type === 'user.updated') {
    // Clerk sends the whole user on every update, and the sync stores all of it: fields not given
    // keep their last-known values rather than becoming sample data.
    const known = await lastKnownUser(ctx, id);
    if (!known) {
      throw new CliError(
        `user.updated for ${id}: its current fields are unknown (not readable in the database${
          ctx.config.database.kind === 'postgres'
            ? ''
            : ' — the embedded one is open in `npm run dev`, or has no such user'
        }, and not sent by this tool before). Send it with --file <user.json> holding the whole Clerk user, or send user.created first.`,
        EXIT.usage,
      );
    }
    if (options.verbose) ctx.io.err(`user.updated: fields not given are kept from ${known.from}`);
    base = known.user;
  }
  // Created and updated "now": an update is then newer than what is stored, and applies.
  const now = Date.now();
  const sent = {
    ...base,
    ...given,
    id,
    updatedAt: Math.max(now, (base.updatedAt ?? 0) + 1),
    createdAt: base.createdAt ?? now,
  };
  return { event: sampleClerkEvent(type, sampleClerkUser(sent)), sent };
}

/** Users this tool sent, by id, beside the embedded database folder: the last-known state for updates. */
function sentUsersPath(ctx: CommandContext): string {
  return join(dirname(ctx.config.dataDir), 'webhook-send-users.json');
}

async function readSentUsers(ctx: CommandContext): Promise<Record<string, SampleUserOptions>> {
  try {
    return JSON.parse(await readFile(sentUsersPath(ctx), 'utf8')) as Record<string, SampleUserOptions>;
  } catch {
    return {};
  }
}

/**
 * The user as last known: the stored row when the database can be opened (a Postgres DATABASE_URL, or
 * the embedded database while no API holds it), else the last event this tool sent for that id.
 */
async function lastKnownUser(
  ctx: CommandContext,
  id: string,
): Promise<{ user: SampleUserOptions; from: string } | null> {
  try {
    const { db, description } = await ctx.database();
    const row = await findUserByClerkId(db, id);
    if (row) {
      return {
        from: `the database (${description})`,
        user: {
          email: row.email,
          emailVerified: row.email_verified,
          phone: row.phone_number,
          phoneVerified: row.phone_verified,
          firstName: row.first_name,
          lastName: row.last_name,
          username: row.username,
          imageUrl: row.image_url,
          publicMetadata: row.public_metadata,
          createdAt: row.clerk_created_at?.getTime(),
          updatedAt: row.clerk_updated_at?.getTime(),
          lastSignInAt: row.last_sign_in_at?.getTime() ?? null,
        },
      };
    }
  } catch {
    // Not readable here (in use by the running API, unreachable, not migrated): try what we sent.
  }
  const sent = (await readSentUsers(ctx))[id];
  return sent ? { from: sentUsersPath(ctx), user: sent } : null;
}

/** Keeps the newest 200 users this tool created or updated; forgets deleted ones. */
async function rememberSentUser(
  ctx: CommandContext,
  type: UserEventType,
  sent: SampleUserOptions & { id: string },
): Promise<void> {
  const users = await readSentUsers(ctx);
  delete users[sent.id];
  if (type !== 'user.deleted' && Object.keys(sent).length > 1) users[sent.id] = sent;
  const kept = Object.fromEntries(Object.entries(users).slice(-200));
  try {
    await mkdir(dirname(sentUsersPath(ctx)), { recursive: true });
    await writeFile(sentUsersPath(ctx), JSON.stringify(kept));
  } catch {
    // Only a convenience for later updates: never fail a delivery over it.
  }
}

/** Clerk role keys carry the `org:` prefix; `--role admin` means `org:admin`. */
function roleKey(role: string | undefined): string | undefined {
  return role === undefined || role.startsWith('org:') ? role : `org:${role}`;
}

/**
 * The same membership id for the same organization and user, so that created, updated and deleted
 * sent one after another are one membership (Clerk's own ids are random).
 */
function membershipIdFor(orgId: string, userId: string): string {
  return `orgmem_${createHash('sha256').update(`${orgId} ${userId}`).digest('base64url').slice(0, 27)}`;
}

function buildOrganizationEvent(
  type: OrganizationEventType,
  options: WebhookSendOptions,
): Record<string, unknown> {
  const needs = (flag: string, present: unknown) => {
    if (!present) throw new CliError(`${type} needs ${flag}`, EXIT.usage);
  };
  const organization = sampleClerkOrganization({
    ...(options.orgId !== undefined && { id: options.orgId }),
    ...(options.name !== undefined && { name: options.name }),
    ...(options.slug !== undefined && { slug: options.slug }),
  });
  switch (type) {
    case 'organization.created':
    case 'organization.updated':
      return sampleClerkEvent(type, organization);
    case 'organization.deleted':
      needs('--org-id (the Clerk id of the organization to delete)', options.orgId);
      return sampleClerkEvent(type, organization);
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
    case 'organizationMembership.deleted': {
      if (type === 'organizationMembership.deleted' && !options.membershipId) {
        needs('--org-id and --user-id (or --membership-id)', options.orgId && options.userId);
      }
      const userId = options.userId ?? (sampleClerkUser().id as string);
      const membership = sampleClerkOrganizationMembership({
        id: options.membershipId ?? membershipIdFor(organization.id as string, userId),
        organization,
        userId,
        ...(options.role !== undefined && { role: roleKey(options.role) }),
      });
      return sampleClerkEvent(type, membership);
    }
    case 'organizationInvitation.created':
    case 'organizationInvitation.accepted':
    case 'organizationInvitation.revoked': {
      const status =
        type === 'organizationInvitation.created'
          ? 'pending'
          : type.endsWith('accepted')
            ? 'accepted'
            : 'revoked';
      if (status !== 'pending') needs('--invitation-id (the invitation to mark)', options.invitationId);
      const invitation = sampleClerkOrganizationInvitation({
        ...(options.invitationId !== undefined && { id: options.invitationId }),
        organizationId: organization.id as string,
        ...(options.email !== undefined && { email: options.email }),
        ...(options.role !== undefined && { role: roleKey(options.role) }),
        status,
      });
      return sampleClerkEvent(type, invitation);
    }
    default: {
      const unknownType: never = type;
      throw new CliError(`no sample for ${String(unknownType)}`, EXIT.usage);
    }
  }
}
