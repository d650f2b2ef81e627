import { pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

/**
 * The owner's identity on each channel (one owner per deployment, so one row per channel).
 * Filled from a configured owner id or by pairing.
 */
export const ownerIdentities = pgTable(
  "owner_identities",
  {
    channel: text("channel").primaryKey(),
    externalUserId: freeText("external_user_id").notNull(),
    displayName: freeText("display_name"),
    source: text("source", { enum: ["config", "pairing"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("owner_identities_channel_user").on(table.channel, table.externalUserId)],
);
