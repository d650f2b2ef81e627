import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

/**
 * One-time pairing codes: a channel without a configured owner id answers an unknown sender with
 * a code; the owner confirms it on the machine (`ironclaw pairing approve <channel> <code>`) and
 * that sender becomes the owner on that channel.
 */
export const pairingCodes = pgTable(
  "pairing_codes",
  {
    code: text("code").primaryKey(),
    channel: text("channel").notNull(),
    externalUserId: freeText("external_user_id").notNull(),
    displayName: freeText("display_name"),
    chatId: freeText("chat_id").notNull(),
    status: text("status", { enum: ["pending", "approved"] })
      .notNull()
      .default("pending"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("pairing_codes_channel").on(table.channel, table.status)],
);
