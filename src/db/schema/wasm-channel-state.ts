import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

/**
 * The key-value store of each installed WASM channel (`state-read` / `state-write`): a poll
 * cursor, a cached bot id. One namespace per channel, keyed by its registered name; the runtime
 * never lets a guest name the namespace. Values are the guest's own text (capped at 64 KiB by the
 * runtime), so they are cleaned on the way in like other outside text.
 */
export const wasmChannelState = pgTable(
  "wasm_channel_state",
  {
    channel: text("channel").notNull(),
    key: freeText("key").notNull(),
    value: freeText("value").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.channel, table.key] })],
);
