import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

/**
 * The audit trail of the leak detector and the injection defences (src/safety/): what was found,
 * where, and what the host did. Never the matched value — only the pattern's name — so this table
 * can be shown and exported without becoming a leak itself.
 */
export const leakEventPoints = [
  "http_request",
  "tool_output",
  "chat_message",
  "inbound_message",
  "workspace_write",
] as const;
export type LeakEventPoint = (typeof leakEventPoints)[number];

export const leakEvents = pgTable(
  "leak_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Where the scan ran. */
    point: text("point", { enum: leakEventPoints }).notNull(),
    /** Pattern or rule name (`github_token`, `known_secret_value`, `injection:ignore_instructions`). */
    finding: text("finding").notNull(),
    action: text("action", { enum: ["block", "redact", "warn"] }).notNull(),
    /** The tool, host or channel involved, when known. */
    source: freeText("source"),
    turnId: uuid("turn_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("leak_events_created").on(table.createdAt)],
);
