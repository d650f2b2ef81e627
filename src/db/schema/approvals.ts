import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cleanJsonb, freeText } from "./columns.ts";
import { conversations } from "./conversations.ts";
import { turns } from "./turns.ts";

export const approvalStatuses = ["pending", "approved", "denied", "expired"] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/**
 * One tool call waiting for (or decided by) the owner. Bound to the exact call by `fingerprint`
 * (HMAC of tool + canonical parameters), re-checked before the stored call runs. Deciding is a
 * compare-and-set on `status`, so double presses and replays decide once. The decision columns
 * are the audit trail: who, when, through which channel or the API.
 */
export const approvals = pgTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    turnId: uuid("turn_id")
      .notNull()
      .references(() => turns.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    callId: freeText("call_id").notNull(),
    tool: freeText("tool").notNull(),
    params: cleanJsonb("params").$type<Record<string, unknown>>().notNull(),
    summary: freeText("summary").notNull(),
    fingerprint: text("fingerprint").notNull(),
    status: text("status", { enum: approvalStatuses }).notNull().default("pending"),
    allowAlways: text("allow_always", { enum: ["yes", "no"] }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    channel: freeText("channel").notNull(),
    chatId: freeText("chat_id").notNull(),
    /** Platform id of the message that shows the buttons, so the outcome can be shown on it. */
    promptMessageId: freeText("prompt_message_id"),
    decision: text("decision", { enum: ["approve", "always", "deny", "expire"] }),
    decidedBy: freeText("decided_by"),
    decidedVia: freeText("decided_via"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("approvals_status_expiry").on(table.status, table.expiresAt),
    index("approvals_turn").on(table.turnId),
  ],
);
