// The ceiling for webhook ingest: PostgreSQL executing exactly the statements one delivery executes,
// driven by pgbench with no HTTP, JSON or signature work in front of it (docs/decisions/042).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sampleClerkEvent, sampleClerkUser } from '@usersync/core/clerk';
import type { Database } from '@usersync/core/db';
import { applyClerkEvent } from '@usersync/core/sync';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import { PG_BIN } from '../machine.ts';
import { scratchDir } from '../paths.ts';

const run = promisify(execFile);

export interface CapturedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/** Stands for the per-delivery unique part (svix-id, Clerk user id) in captured values. */
const TOKEN = 'qqceilingqq';

/**
 * Applies one new-user `user.created` delivery through core's applyClerkEvent, on a Kysely whose log
 * hook records every statement sent (BEGIN and COMMIT included) with its parameters, exactly as the
 * API's pg pool would send them.
 */
export async function captureDeliverySql(databaseUrl: string): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
    log(event) {
      if (event.level === 'query') {
        captured.push({ sql: event.query.sql, parameters: event.query.parameters });
      } else {
        throw event.error;
      }
    },
  });
  try {
    const user = sampleClerkUser({ id: `user_${TOKEN}` });
    const body = JSON.stringify(sampleClerkEvent('user.created', user));
    const result = await applyClerkEvent(db, { svixId: `msg_${TOKEN}`, body });
    if (result.status !== 'applied') throw new Error(`capture delivery was ${result.status}, not applied`);
  } finally {
    await db.destroy();
  }
  return captured;
}

/**
 * A pgbench script running the captured statements, each transaction with its own svix-id and user id
 * (`:n`, a random 63-bit number; ids core chooses become md5 UUIDs of it), so every transaction
 * claims a new event and inserts a new user as a real delivery does. Parameter values become literals of unknown type, as pg sends untyped text
 * parameters, so the server infers the same types.
 */
export function pgbenchScript(statements: readonly CapturedStatement[]): string {
  const lines = ['\\set n random(1, 9000000000000000000)'];
  const uuids = new Map<string, string>();
  for (const statement of statements) {
    const sql = statement.sql.replace(/\$(\d+)/g, (_, index: string) =>
      literal(statement.parameters[Number(index) - 1], uuids),
    );
    lines.push(`${sql.replace(/\s*\n\s*/g, ' ').trim()};`);
  }
  return `${lines.join('\n')}\n`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function literal(value: unknown, uuids: Map<string, string>): string {
  const prepared = pgUtils.prepareValue(value) as string | null;
  if (prepared === null || prepared === undefined) return 'NULL';
  const text = String(prepared);
  // Ids chosen by core (a new user's id) must be new per transaction too; the same id, the same value.
  if (UUID.test(text)) {
    if (!uuids.has(text)) uuids.set(text, `md5(E'id${uuids.size}-' || :n::text)::uuid`);
    return uuids.get(text) as string;
  }
  const parts = text.split(TOKEN).map(quote);
  if (parts.length === 1) return parts[0] as string;
  const joined = `(${parts.join(' || :n::text || ')})`;
  // Concatenation yields text; jsonb columns need the explicit cast an unknown literal would not.
  return /^[[{]/.test(text) ? `${joined}::jsonb` : joined;
}

// E'' strings: pgbench would take `:word` inside a plain literal for a variable, so colons are \x3a.
function quote(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/:/g, '\\x3a')}'`;
}

export interface PgbenchResult {
  clients: number;
  seconds: number;
  transactions: number;
  tps: number;
  latencyAverageMs: number;
}

export async function runPgbench(options: {
  databaseUrl: string;
  script: string;
  clients: number;
  seconds: number;
}): Promise<PgbenchResult> {
  const file = join(scratchDir(), 'ceiling.pgbench.sql');
  writeFileSync(file, options.script);
  const url = new URL(options.databaseUrl);
  const { stdout } = await run(
    join(PG_BIN, 'pgbench'),
    [
      '-h',
      url.hostname,
      '-p',
      url.port,
      '-U',
      decodeURIComponent(url.username || 'postgres'),
      '-n',
      // node-postgres sends statements with parameters over the extended protocol, unnamed.
      '-M',
      'extended',
      '-c',
      String(options.clients),
      '-j',
      String(Math.min(options.clients, 2)),
      '-T',
      String(options.seconds),
      '-f',
      file,
      url.pathname.slice(1),
    ],
    { timeout: (options.seconds + 30) * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? Number.NaN);
  const failed = number(/number of failed transactions: (\d+)/);
  if (failed > 0) throw new Error(`pgbench: ${failed} failed transactions\n${stdout}`);
  return {
    clients: options.clients,
    seconds: options.seconds,
    transactions: number(/number of transactions actually processed: (\d+)/),
    tps: Math.round(number(/tps = ([\d.]+)/)),
    latencyAverageMs: number(/latency average = ([\d.]+) ms/),
  };
}
