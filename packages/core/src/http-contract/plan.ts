import { type Static, Type } from 'typebox';
import { nullable } from './user-fields.ts';

/**
 * A payer's current Clerk Billing plan (decision 182): the active item, else the past-due one, else a
 * canceled one still inside its paid period; null when none.
 */
export const PlanSchema = Type.Union([
  Type.Object({
    /** The plan's slug, e.g. `pro` (null when Clerk sent the item without its plan). */
    slug: nullable(Type.String()),
    name: nullable(Type.String()),
    /** The subscription item's status: `active`, `past_due` or `canceled`. */
    status: Type.String(),
    /** When the paid period ends (ISO), null for none. */
    periodEnd: nullable(Type.String({ format: 'date-time' })),
  }),
  Type.Null(),
]);
export type Plan = Static<typeof PlanSchema>;
