import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cleanJsonb, freeText } from "./columns.ts";
import { conversations, messages } from "./conversations.ts";

export const turnStatuses = [
  "running",
  "awaiting_approval",
  "completed",
  "failed",
  "interrupted",
  "cancelled",
] as const;
export type TurnStatus = (typeof turnStatuses)[number];

/**
 * One agent turn: the work done to answer one inbound message. `state` holds what the loop needs
 * to resume (the LLM messages so far, pending tool calls), so a restart loses nothing.
 */
export const turns = pgTable(
  "turns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    triggerMessageId: uuid("trigger_message_id").references(() => messages.id, { onDelete: "set null" }),
    status: text("status", { enum: turnStatuses }).notNull().default("running"),
    /** The agent's loop state as JSON; `src/agent/turn-state.ts` reads it back with a shape check. */
    state: cleanJsonb("state").$type<unknown>(),
    iterations: integer("iterations").notNull().default(0),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    error: freeText("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    index("turns_conversation").on(table.conversationId, table.startedAt),
    index("turns_status").on(table.status),
  ],
);

/** One request to an LLM provider within a turn. */
export const llmCalls = pgTable(
  "llm_calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    turnId: uuid("turn_id")
      .notNull()
      .references(() => turns.id, { onDelete: "cascade" }),
    provider: freeText("provider").notNull(),
    model: freeText("model").notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    /** Of the input tokens, how many the provider read from / wrote to its prompt cache. */
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    latencyMs: integer("latency_ms").notNull(),
    costMicros: integer("cost_micros"),
    cached: integer("cached").notNull().default(0),
    error: freeText("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("llm_calls_turn").on(table.turnId)],
);

/** One tool call the model asked for, and its result. */
export const toolCalls = pgTable(
  "tool_calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    turnId: uuid("turn_id")
      .notNull()
      .references(() => turns.id, { onDelete: "cascade" }),
    callId: freeText("call_id").notNull(),
    tool: freeText("tool").notNull(),
    arguments: freeText("arguments").notNull(),
    status: text("status", {
      enum: ["running", "succeeded", "failed", "awaiting_approval", "denied"],
    }).notNull(),
    result: freeText("result"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [index("tool_calls_turn").on(table.turnId)],
);
