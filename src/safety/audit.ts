/**
 * Where the safety scans report: one function taking the findings of a scan as audit rows
 * (`leak_events`), so the scans do not depend on the database and tests can collect the rows.
 * A failing audit write is logged and never blocks the scan's verdict: the verdict protects the
 * owner, the row only documents it.
 */

import type { Database } from "../db/client.ts";
import { type NewLeakEvent, recordLeakEvents } from "../db/leak-events.ts";
import type { LeakEventPoint } from "../db/schema/index.ts";
import type { Logger } from "../log.ts";
import type { LeakFinding } from "./leak-detector.ts";

export type SafetyAudit = (events: readonly NewLeakEvent[]) => Promise<void>;

export function createDatabaseAudit(db: Database, log: Logger): SafetyAudit {
  return async function recordFindings(events) {
    try {
      await recordLeakEvents(db, events);
    } catch (error) {
      log.error("could not record leak events", { count: events.length, error });
    }
  };
}

/** One audit row per distinct finding name (positions are not worth a row each). */
export function eventsOf(
  point: LeakEventPoint,
  findings: readonly Pick<LeakFinding, "name" | "action">[],
  source?: string,
  turnId?: string,
): NewLeakEvent[] {
  const seen = new Map<string, NewLeakEvent>();
  for (const finding of findings) {
    if (!seen.has(finding.name)) {
      seen.set(finding.name, { point, finding: finding.name, action: finding.action, source, turnId });
    }
  }
  return [...seen.values()];
}
