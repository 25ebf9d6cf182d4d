import type { Db } from '../db/create-database.ts';
import { countUsersByStatus, type UserStatus } from '../users/user.repository.ts';
import { type DeliveryStats, readDeliveryStats } from '../webhook-events/webhook-event.repository.ts';
import { countOrganizations, lastReconcileRun } from './optional-tables.ts';

export interface AdminOverview {
  users: Record<UserStatus, number>;
  /** null: no organizations table (not synced by this installation). */
  organizations: number | null;
  deliveries: DeliveryStats;
  lastReconcileRun: Record<string, unknown> | null;
}

const HOUR = 3_600_000;

/** The figures of the console's overview: deliveries of the last 24 h, lag over the last hour. */
export async function readAdminOverview(db: Db, now: Date = new Date()): Promise<AdminOverview> {
  const [users, organizations, deliveries, run] = await Promise.all([
    countUsersByStatus(db),
    countOrganizations(db),
    readDeliveryStats(db, {
      since: new Date(now.getTime() - 24 * HOUR),
      lagSince: new Date(now.getTime() - HOUR),
    }),
    lastReconcileRun(db),
  ]);
  return { users, organizations, deliveries, lastReconcileRun: run };
}
