/**
 * The `leak_events` audit table: one row per finding of the safety scans. Recording must never
 * take the value with it, so the input type has no field that could hold one.
 */
import { desc } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { leakEvents } from "./schema/index.ts";

export type LeakEventRow = typeof leakEvents.$inferSelect;
export type NewLeakEvent = Pick<
  typeof leakEvents.$inferInsert,
  "point" | "finding" | "action" | "source" | "turnId"
>;

export async function recordLeakEvents(db: Database, events: readonly NewLeakEvent[]): Promise<void> {
  if (events.length === 0) return;
  await withDbErrors(() => db.insert(leakEvents).values([...events]));
}

export async function listLeakEvents(db: Database, limit = 100): Promise<LeakEventRow[]> {
  return withDbErrors(() => db.select().from(leakEvents).orderBy(desc(leakEvents.createdAt)).limit(limit));
}
