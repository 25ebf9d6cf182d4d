import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  sampleClerkEvent,
  sampleClerkUser,
  USER_EVENT_TYPES,
  type UserEventType,
} from '@usersync/core/clerk';
import { Webhook } from 'svix';
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
  /** A Clerk user (UserJSON) or a whole event envelope. */
  file?: string;
  svixId?: string;
  /** Print the body sent. */
  verbose?: boolean;
  json?: boolean;
}

export function isUserEventType(value: string): value is UserEventType {
  return (USER_EVENT_TYPES as readonly string[]).includes(value);
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
  if (!isUserEventType(type)) {
    throw new CliError(`unknown event type "${type}": use one of ${USER_EVENT_TYPES.join(', ')}`, EXIT.usage);
  }
  const secret = options.secret ?? ctx.config.webhookSecret;
  if (!secret) {
    throw new CliError(
      'no signing secret: set CLERK_WEBHOOK_SIGNING_SECRET (or CLERK_WEBHOOK_SECRET) in .env, as the API uses, or pass --secret',
      EXIT.usage,
    );
  }
  const event = await buildEvent(ctx, type, options);
  const body = JSON.stringify(event);
  const svixId = options.svixId ?? `msg_${randomBytes(14).toString('base64url')}`;
  const now = new Date();
  let signature: string;
  try {
    signature = new Webhook(secret).sign(svixId, now, body);
  } catch (error) {
    throw new CliError(
      `the signing secret is not usable (expected whsec_…): ${(error as Error).message}`,
      EXIT.usage,
    );
  }
  const url = options.url ?? ctx.config.webhookUrl;
  const userId = (event.data as { id?: unknown }).id;
  if (options.verbose) ctx.io.err(`body: ${body}`);

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'usersync-cli (webhook send)',
        'svix-id': svixId,
        'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
        'svix-signature': signature,
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
        { type, svixId, userId, url, status: response.status, ok: response.ok, body: responseBody },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(`Sent ${type} for ${String(userId)} (svix-id ${svixId}) to ${url}`);
    ctx.io.out(`${response.status} ${response.statusText}`);
    if (text) ctx.io.out(typeof responseBody === 'string' ? text : JSON.stringify(responseBody, null, 2));
  }
  return response.ok ? EXIT.ok : EXIT.failure;
}

async function buildEvent(
  ctx: CommandContext,
  type: UserEventType,
  options: WebhookSendOptions,
): Promise<Record<string, unknown>> {
  if (options.file) {
    const path = resolvePath(ctx, options.file);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new CliError(`cannot read ${path} as JSON: ${(error as Error).message}`, EXIT.usage);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CliError(`${path} must hold a Clerk user object or a Clerk event`, EXIT.usage);
    }
    const record = json as Record<string, unknown>;
    if ('data' in record && 'type' in record) {
      if (record.type !== type) {
        throw new CliError(`${path} holds a ${String(record.type)} event, not ${type}`, EXIT.usage);
      }
      return record;
    }
    if (typeof record.id !== 'string') throw new CliError(`${path}: the user has no "id"`, EXIT.usage);
    return sampleClerkEvent(type, record);
  }
  if (type === 'user.deleted' && !options.userId) {
    throw new CliError('user.deleted needs --user-id (the Clerk id of the user to delete)', EXIT.usage);
  }
  // Created and updated "now": an update is then newer than what is stored, and applies.
  const user = sampleClerkUser({
    ...(options.userId !== undefined && { id: options.userId }),
    ...(options.email !== undefined && { email: options.email }),
    ...(options.firstName !== undefined && { firstName: options.firstName }),
    ...(options.lastName !== undefined && { lastName: options.lastName }),
    ...(options.username !== undefined && { username: options.username }),
  });
  return sampleClerkEvent(type, user);
}
