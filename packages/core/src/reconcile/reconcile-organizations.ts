import type { Db } from '../db/create-database.ts';
import { InvalidClerkPayloadError } from '../sync/errors.ts';
import {
  mapClerkOrganization,
  mapClerkOrganizationMembership,
  type OrganizationFields,
  type OrganizationMembershipFields,
} from '../sync/map-clerk-organization.ts';
import {
  type MembershipWriteOutcome,
  type OrganizationWriteOutcome,
  writeOrganizationMemberships,
  writeOrganizations,
} from '../sync/write-clerk-organization.ts';
import { DEFAULT_GUARD_THRESHOLD, type WrongInstanceGuard } from './reconcile-users.ts';

// Reconcile for organizations and memberships (issue 12), beside reconcileUsers and in its image: a
// dry run compares, --apply writes through the same SQL rules as webhooks (ordering guard, tombstones),
// and is refused when most of the database's rows are unknown to Clerk (the wrong-instance guard).
// Rows Clerk does not list are reported, never removed: only a webhook's delete ends them.

export type OrganizationReconcileKind = 'organizations' | 'memberships';

/** One page of a Clerk list (`GET /v1/organizations`, `GET /v1/organization_memberships`): raw JSON objects. */
export interface ClerkListPage {
  items: readonly unknown[];
  totalCount?: number;
}

/** Where reconcile reads one kind from; the CLI backs it with the Backend API (paged, with retries). */
export interface ClerkListSource {
  /** Every object, page by page, oldest first, starting from the beginning on each call. */
  pages(signal?: AbortSignal): AsyncIterable<ClerkListPage>;
}

export interface KindCounts {
  create: number;
  update: number;
  unchanged: number;
  /** We hold a newer version than Clerk listed (a webhook got there first): left alone. */
  newerInDatabase: number;
  /** Deleted here (or its organization or user was); deletion is final: left alone. */
  deletedInDatabase: number;
  invalid: number;
}

export interface KindReconcileSummary {
  kind: OrganizationReconcileKind;
  mode: 'dry-run' | 'apply';
  /** Distinct objects read from Clerk. */
  clerkObjects: number;
  /** Active organizations / current memberships in the database. */
  databaseObjects: number;
  /** Dry run, or apply refused: what would happen. Apply: what was done. */
  counts: KindCounts;
  /** Database rows the Clerk listing did not contain (reported, kept). */
  missingFromClerk: number;
  invalidObjects: Array<{ clerkId: string | null; reason: string }>;
  guard: WrongInstanceGuard;
  refused: boolean;
}

export interface OrganizationReconcileOptions {
  apply?: boolean;
  force?: boolean;
  guardThreshold?: number;
  signal?: AbortSignal;
  onProgress?: (progress: {
    kind: OrganizationReconcileKind;
    phase: 'compare' | 'apply';
    done: number;
    total: number | null;
  }) => void;
}

type Fields = OrganizationFields | OrganizationMembershipFields;
type Comparison =
  | {
      kind: 'create' | 'update' | 'unchanged' | 'newer-in-database' | 'deleted-in-database';
      clerkId: string;
      fields: Fields;
    }
  | { kind: 'invalid'; clerkId: string | null; reason: string };

interface KindRules {
  map(json: unknown): Fields;
  /** Stored versions and deletions of these ids, in two queries for the page. */
  stored(db: Db, fields: Fields[]): Promise<{ updatedAt: Map<string, Date | null>; deleted: Set<string> }>;
  /** One page of creates and updates, in one statement; outcomes in input order. */
  write(db: Db, fields: Fields[]): Promise<Array<OrganizationWriteOutcome | MembershipWriteOutcome>>;
  /** Clerk ids of every active row, in batches. */
  present(db: Db): AsyncIterable<string[]>;
}

const MAX_LISTED_INVALID = 20;

const RULES: Record<OrganizationReconcileKind, KindRules> = {
  organizations: {
    map: (json) => mapClerkOrganization(json, 'organization'),
    async stored(db, fields) {
      const ids = fields.map((f) => f.clerk_id);
      const [rows, tombstones] = await Promise.all([
        db
          .selectFrom('organizations')
          .select(['clerk_id', 'clerk_updated_at', 'deleted_at'])
          .where('clerk_id', 'in', ids)
          .execute(),
        db.selectFrom('organization_tombstones').select('clerk_id').where('clerk_id', 'in', ids).execute(),
      ]);
      return {
        updatedAt: new Map(rows.map((r) => [r.clerk_id, r.clerk_updated_at])),
        deleted: new Set([
          ...tombstones.map((t) => t.clerk_id),
          ...rows.filter((r) => r.deleted_at).map((r) => r.clerk_id),
        ]),
      };
    },
    write: (db, fields) => writeOrganizations(db, fields as OrganizationFields[]),
    present: (db) => keyset(db, 'organizations'),
  },
  memberships: {
    map: (json) => mapClerkOrganizationMembership(json, 'membership'),
    async stored(db, fields) {
      const memberships = fields as OrganizationMembershipFields[];
      const ids = memberships.map((f) => f.clerk_id);
      const orgIds = [...new Set(memberships.map((f) => f.clerk_organization_id))];
      const userIds = [...new Set(memberships.map((f) => f.clerk_user_id))];
      const [rows, tombstones, deletedOrgs, deletedUsers] = await Promise.all([
        db
          .selectFrom('organization_memberships')
          .select(['clerk_id', 'clerk_updated_at'])
          .where('clerk_id', 'in', ids)
          .execute(),
        db
          .selectFrom('organization_membership_tombstones')
          .select('clerk_id')
          .where('clerk_id', 'in', ids)
          .execute(),
        db.selectFrom('organization_tombstones').select('clerk_id').where('clerk_id', 'in', orgIds).execute(),
        db.selectFrom('user_tombstones').select('clerk_id').where('clerk_id', 'in', userIds).execute(),
      ]);
      const goneOrgs = new Set(deletedOrgs.map((o) => o.clerk_id));
      const goneUsers = new Set(deletedUsers.map((u) => u.clerk_id));
      return {
        updatedAt: new Map(rows.map((r) => [r.clerk_id, r.clerk_updated_at])),
        deleted: new Set([
          ...tombstones.map((t) => t.clerk_id),
          ...memberships
            .filter((m) => goneOrgs.has(m.clerk_organization_id) || goneUsers.has(m.clerk_user_id))
            .map((m) => m.clerk_id),
        ]),
      };
    },
    write: (db, fields) => writeOrganizationMemberships(db, fields as OrganizationMembershipFields[]),
    present: (db) => keyset(db, 'organization_memberships'),
  },
};

async function* keyset(db: Db, table: 'organizations' | 'organization_memberships'): AsyncIterable<string[]> {
  let after = '';
  for (;;) {
    let query = db
      .selectFrom(table)
      .select('clerk_id')
      .where('clerk_id', '>', after)
      .orderBy('clerk_id')
      .limit(1000);
    if (table === 'organizations') query = query.where('is_active', '=', true);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows.map((r) => r.clerk_id);
    after = rows[rows.length - 1]!.clerk_id;
  }
}

async function compare(db: Db, rules: KindRules, items: readonly unknown[]): Promise<Comparison[]> {
  const mapped = items.map((json): { fields: Fields } | { invalid: string; id: string | null } => {
    try {
      return { fields: rules.map(json) };
    } catch (error) {
      if (!(error instanceof InvalidClerkPayloadError)) throw error;
      const id = (json as { id?: unknown } | null)?.id;
      return { invalid: error.message, id: typeof id === 'string' ? id : null };
    }
  });
  const valid = mapped.flatMap((m) => ('fields' in m ? [m.fields] : []));
  const { updatedAt, deleted } =
    valid.length === 0 ? { updatedAt: new Map(), deleted: new Set<string>() } : await rules.stored(db, valid);
  return mapped.map((m): Comparison => {
    if (!('fields' in m)) return { kind: 'invalid', clerkId: m.id, reason: m.invalid };
    const { fields } = m;
    const clerkId = fields.clerk_id;
    if (deleted.has(clerkId)) return { kind: 'deleted-in-database', clerkId, fields };
    if (!updatedAt.has(clerkId)) return { kind: 'create', clerkId, fields };
    const stored = updatedAt.get(clerkId)?.getTime() ?? Number.NEGATIVE_INFINITY;
    const incoming = Date.parse(fields.clerk_updated_at);
    if (incoming > stored) return { kind: 'update', clerkId, fields };
    return { kind: incoming === stored ? 'unchanged' : 'newer-in-database', clerkId, fields };
  });
}

const COUNT_OF_KIND: Record<Comparison['kind'], keyof KindCounts> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  'newer-in-database': 'newerInDatabase',
  'deleted-in-database': 'deletedInDatabase',
  invalid: 'invalid',
};

// What the write did may differ from the comparison when a webhook wrote in between.
const COUNT_OF_OUTCOME: Record<OrganizationWriteOutcome | MembershipWriteOutcome, keyof KindCounts> = {
  created: 'create',
  updated: 'update',
  unchanged: 'unchanged',
  stale: 'newerInDatabase',
  deleted: 'deletedInDatabase',
  'organization-deleted': 'deletedInDatabase',
  'user-deleted': 'deletedInDatabase',
};

const emptyCounts = (): KindCounts => ({
  create: 0,
  update: 0,
  unchanged: 0,
  newerInDatabase: 0,
  deletedInDatabase: 0,
  invalid: 0,
});

/**
 * Brings one kind (organizations or memberships) in line with Clerk. Dry run: one pass comparing page
 * by page, then a keyset walk over the database for rows Clerk did not list. Apply: the same comparison
 * first (the guard is decided before anything is written; skipped when forced or when the database has
 * no rows of the kind), then a pass writing what differs, one statement per object.
 */
export async function reconcileOrganizationKind(
  db: Db,
  kind: OrganizationReconcileKind,
  source: ClerkListSource,
  options: OrganizationReconcileOptions = {},
): Promise<KindReconcileSummary> {
  const rules = RULES[kind];
  const apply = options.apply ?? false;
  const force = options.force ?? false;
  const threshold = options.guardThreshold ?? DEFAULT_GUARD_THRESHOLD;
  const { signal, onProgress } = options;
  const seen = new Map<string, number>();
  const invalidObjects: KindReconcileSummary['invalidObjects'] = [];
  let passes = 0;

  async function pass(phase: 'compare' | 'apply') {
    passes += 1;
    const passNumber = passes;
    const counts = emptyCounts();
    let clerkObjects = 0;
    invalidObjects.length = 0;
    for await (const page of source.pages(signal)) {
      signal?.throwIfAborted();
      const comparisons = (await compare(db, rules, page.items)).filter((c) => {
        if (c.clerkId === null) return true;
        if (seen.get(c.clerkId) === passNumber) return false; // listed twice while the list shifted
        seen.set(c.clerkId, passNumber);
        return true;
      });
      clerkObjects += comparisons.length;
      const toWrite: Fields[] = [];
      for (const c of comparisons) {
        if (c.kind === 'invalid') {
          if (invalidObjects.length < MAX_LISTED_INVALID)
            invalidObjects.push({ clerkId: c.clerkId, reason: c.reason });
          counts.invalid += 1;
        } else if (phase === 'apply' && (c.kind === 'create' || c.kind === 'update')) {
          toWrite.push(c.fields);
        } else {
          counts[COUNT_OF_KIND[c.kind]] += 1;
        }
      }
      // The page's writes in one statement (what happened may differ from the comparison: a webhook
      // can write in between, and the outcome says so).
      for (const outcome of await rules.write(db, toWrite)) counts[COUNT_OF_OUTCOME[outcome]] += 1;
      onProgress?.({ kind, phase, done: clerkObjects, total: page.totalCount ?? null });
    }
    return { counts, clerkObjects };
  }

  async function scan() {
    let databaseObjects = 0;
    let missing = 0;
    for await (const ids of rules.present(db)) {
      databaseObjects += ids.length;
      missing += ids.filter((id) => !seen.has(id)).length;
    }
    const unknownShare = databaseObjects === 0 ? 0 : missing / databaseObjects;
    const guard: WrongInstanceGuard = {
      threshold,
      unknownShare,
      tripped: unknownShare > threshold,
      forced: force,
    };
    return { databaseObjects, missing, guard };
  }

  const summary = (
    mode: KindReconcileSummary['mode'],
    result: Awaited<ReturnType<typeof pass>>,
    scanned: Awaited<ReturnType<typeof scan>>,
    refused: boolean,
  ): KindReconcileSummary => ({
    kind,
    mode,
    clerkObjects: result.clerkObjects,
    databaseObjects: scanned.databaseObjects,
    counts: result.counts,
    missingFromClerk: scanned.missing,
    invalidObjects: [...invalidObjects],
    guard: scanned.guard,
    refused,
  });

  const hasRows = async () => {
    for await (const ids of rules.present(db)) return ids.length > 0;
    return false;
  };
  if (!apply || (!force && (await hasRows()))) {
    const planned = await pass('compare');
    const scanned = await scan();
    if (!apply) return summary('dry-run', planned, scanned, false);
    if (scanned.guard.tripped) return summary('apply', planned, scanned, true);
  }
  const applied = await pass('apply');
  return summary('apply', applied, await scan(), false);
}
