import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cleanJsonb, freeText } from "./columns.ts";

/**
 * A conversation is one thread of context with the owner on one chat of one channel. `/new`
 * closes the active one (active = false) and opens another on the same chat.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    channel: freeText("channel").notNull(),
    chatId: freeText("chat_id").notNull(),
    active: boolean("active").notNull().default(true),
    title: freeText("title"),
    /** Summary of compacted older turns, prepended to the history sent to the LLM. */
    summary: freeText("summary"),
    /** The last message sequence covered by `summary`; later messages are sent verbatim. */
    summaryThrough: integer("summary_through"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("conversations_one_active_per_chat")
      .on(table.channel, table.chatId)
      .where(sql`${table.active}`),
    index("conversations_last_message").on(table.lastMessageAt),
  ],
);

export const messageRefusals = ["too_long", "empty", "unsupported", "secret"] as const;
export type MessageRefusal = (typeof messageRefusals)[number];

/**
 * Every message in and out. `platformMessageId` is the id the chat platform gave it; it is
 * unique per channel and chat, which is what makes inbound handling idempotent (platforms
 * redeliver).
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    channel: freeText("channel").notNull(),
    chatId: freeText("chat_id").notNull(),
    platformMessageId: freeText("platform_message_id"),
    /** user | assistant | system (notices from the host itself) */
    role: text("role", { enum: ["user", "assistant", "system"] }).notNull(),
    content: freeText("content").notNull(),
    /** The turn that answered this inbound message. */
    turnId: uuid("turn_id"),
    /**
     * Set once an inbound message has been dealt with (a turn started, a command answered, a
     * polite refusal sent). Inbound rows still null at start-up were received but never handled
     * (a crash in between) and are picked up again: nothing the owner sent is lost.
     */
    handledAt: timestamp("handled_at", { withTimezone: true }),
    /**
     * Why the host refused an inbound message instead of answering it (too long, empty, not
     * text). Refused messages are kept for the audit trail but never enter the model's history.
     */
    refusal: text("refusal", { enum: messageRefusals }),
    metadata: cleanJsonb("metadata").$type<Record<string, unknown>>(),
    sequence: integer("sequence").generatedAlwaysAsIdentity(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("messages_platform_id").on(table.channel, table.chatId, table.platformMessageId),
    index("messages_conversation").on(table.conversationId, table.sequence),
  ],
);
