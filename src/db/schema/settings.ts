import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Owner settings: configuration variables (by name) and per-tool choices. Lowest config priority. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
