import { and, desc, eq, gt, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { ConflictError } from "../errors.ts";
import { announceChange, announceCommitted } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { companionStatement } from "./companion-statements.ts";
import { withDbErrors } from "./errors.ts";
import { conversations, messages } from "./schema/index.ts";

export type Conversation = typeof conversations.$inferSelect;
export type StoredMessage = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;

/** The active conversation of a chat, created on first contact. Safe under concurrent callers. */
export async function getOrCreateConversation(
  db: Database,
  channel: string,
  chatId: string,
): Promise<Conversation> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [existing] = await withDbErrors(() =>
      db
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.channel, channel),
            eq(conversations.chatId, chatId),
            eq(conversations.active, true),
          ),
        ),
    );
    if (existing) return existing;
    try {
      const [created] = await withDbErrors(() =>
        db.insert(conversations).values({ channel, chatId }).returning(),
      );
      if (created) return created;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error; // a concurrent caller created it: read it back
    }
  }
  throw new ConflictError(`could not create a conversation for ${channel}:${chatId}`, undefined);
}

/** `/new`: closes the chat's active conversation and opens a fresh one. */
export async function startNewConversation(
  db: Database,
  channel: string,
  chatId: string,
): Promise<Conversation> {
  const created = await withDbErrors(() =>
    db.transaction(async (tx) => {
      await announceChange(tx, "conversations");
      await tx
        .update(conversations)
        .set({ active: false })
        .where(
          and(
            eq(conversations.channel, channel),
            eq(conversations.chatId, chatId),
            eq(conversations.active, true),
          ),
        );
      const [created] = await tx.insert(conversations).values({ channel, chatId }).returning();
      return created as Conversation;
    }),
  );
  announceCommitted("conversations");
  return created;
}

export async function getConversation(db: Database, id: string): Promise<Conversation | undefined> {
  const [row] = await withDbErrors(() => db.select().from(conversations).where(eq(conversations.id, id)));
  return row;
}

/**
 * Stores a message. For inbound messages with a platform id this is the dedupe point: a second
 * delivery of the same id returns `{ duplicate: true }` and the stored row, and nothing else.
 * The insert is the last write: were it followed by another one that failed (the database going
 * away), the caller's retry would find a "duplicate" and the message would never be answered.
 */
export async function recordMessage(
  db: Database,
  message: NewMessage,
): Promise<{ message: StoredMessage; duplicate: boolean }> {
  // One round trip: the conversation is touched in the same statement as the insert.
  const touched = companionStatement(
    db,
    "touched_conversation",
    db
      .update(conversations)
      .set({ lastMessageAt: sql`now()` })
      .where(eq(conversations.id, message.conversationId)),
  );
  const [row] = await withDbErrors(() =>
    db.with(touched).insert(messages).values(message).onConflictDoNothing().returning(),
  );
  if (row) return { message: row, duplicate: false };
  const [existing] = await withDbErrors(() =>
    db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.channel, message.channel),
          eq(messages.chatId, message.chatId),
          eq(messages.platformMessageId, message.platformMessageId ?? ""),
        ),
      ),
  );
  if (!existing)
    throw new ConflictError("message conflicted but could not be read back", "messages_platform_id");
  return { message: existing, duplicate: true };
}

export async function listMessages(
  db: Database,
  conversationId: string,
  limit = 200,
): Promise<StoredMessage[]> {
  const rows = await withDbErrors(() =>
    db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(desc(messages.sequence))
      .limit(limit),
  );
  return rows.reverse();
}

/**
 * The messages of a conversation the model may see, oldest first: sequence in (`after`,
 * `through`], the most recent `limit` of them. Left out are host notices, refused messages, and
 * inbound messages the host handled itself without a turn (commands, and refusals stored before
 * the `refusal` column existed): they stay in the table for the audit trail only.
 */
export async function listHistoryMessages(
  db: Database,
  conversationId: string,
  range: HistoryRange,
): Promise<StoredMessage[]> {
  const rows = await withDbErrors(() => historyQuery(db, conversationId, range));
  return rows.reverse();
}

export interface HistoryRange {
  after: number;
  through: number;
  limit: number;
}

/** The select behind `listHistoryMessages`, newest first; `db` may carry CTEs (turn-start.ts). */
export function historyQuery(db: Pick<Database, "select">, conversationId: string, range: HistoryRange) {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        gt(messages.sequence, range.after),
        lte(messages.sequence, range.through),
        isNull(messages.refusal),
        or(
          and(eq(messages.direction, "outbound"), eq(messages.role, "assistant")),
          and(eq(messages.direction, "inbound"), or(isNotNull(messages.turnId), isNull(messages.handledAt))),
        ),
      ),
    )
    .orderBy(desc(messages.sequence))
    .limit(range.limit);
}

export interface OutboundValues {
  role: "assistant" | "system";
  content: string;
  platformMessageId?: string;
  turnId?: string;
}

function outboundRow(conversation: Conversation, values: OutboundValues): NewMessage {
  return {
    conversationId: conversation.id,
    channel: conversation.channel,
    chatId: conversation.chatId,
    direction: "outbound",
    ...values,
  };
}

/**
 * What `recordOutbound` writes, as companions of another statement (a turn's completion): the
 * message and the conversation's touch travel with it in one round trip.
 */
export function outboundCompanions(db: Database, conversation: Conversation, values: OutboundValues) {
  return [
    companionStatement(
      db,
      "touched_conversation",
      db
        .update(conversations)
        .set({ lastMessageAt: sql`now()` })
        .where(eq(conversations.id, conversation.id)),
    ),
    companionStatement(
      db,
      "recorded_outbound",
      db.insert(messages).values(outboundRow(conversation, values)).onConflictDoNothing(),
    ),
  ];
}

/** Stores what the host (or the assistant) sent into a conversation. */
export async function recordOutbound(
  db: Database,
  conversation: Conversation,
  values: OutboundValues,
): Promise<void> {
  await recordMessage(db, outboundRow(conversation, values));
}

/** Keeps the compacted summary of a conversation's older messages (through `summaryThrough`). */
export async function saveConversationSummary(
  db: Database,
  conversationId: string,
  summary: string,
  summaryThrough: number,
): Promise<void> {
  await withDbErrors(() =>
    db.update(conversations).set({ summary, summaryThrough }).where(eq(conversations.id, conversationId)),
  );
  await announceChange(db, "conversations");
}
