import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import {
  conversations,
  llmCalls,
  type MessageRefusal,
  messages,
  type TurnStatus,
  toolCalls,
  turns,
} from "./schema/index.ts";

export type TurnRow = typeof turns.$inferSelect;
export type ToolCallRow = typeof toolCalls.$inferSelect;

export async function createTurn(
  db: Database,
  values: { conversationId: string; triggerMessageId?: string; state?: Record<string, unknown> },
): Promise<TurnRow> {
  return withDbErrors(async () => {
    const [row] = await db.insert(turns).values(values).returning();
    if (values.triggerMessageId) {
      await db
        .update(messages)
        .set({ turnId: row?.id, handledAt: sql`now()` })
        .where(eq(messages.id, values.triggerMessageId));
    }
    return row as TurnRow;
  });
}

export async function getTurn(db: Database, id: string): Promise<TurnRow | undefined> {
  const [row] = await withDbErrors(() => db.select().from(turns).where(eq(turns.id, id)));
  return row;
}

export async function updateTurn(
  db: Database,
  id: string,
  values: Partial<Pick<TurnRow, "status" | "state" | "iterations" | "error" | "finishedAt">>,
): Promise<void> {
  await withDbErrors(() => db.update(turns).set(values).where(eq(turns.id, id)));
}

/**
 * Moves a turn from one status to another only if it is still in `from` (compare-and-set).
 * Returns false when another actor got there first.
 */
export async function transitionTurn(
  db: Database,
  id: string,
  from: readonly TurnStatus[],
  values: Partial<Pick<TurnRow, "status" | "state" | "error" | "finishedAt">>,
): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(turns)
      .set(values)
      .where(and(eq(turns.id, id), inArray(turns.status, [...from])))
      .returning({ id: turns.id }),
  );
  return rows.length > 0;
}

export async function addTurnUsage(
  db: Database,
  id: string,
  inputTokens: number,
  outputTokens: number,
): Promise<void> {
  await withDbErrors(() =>
    db
      .update(turns)
      .set({
        inputTokens: sql`${turns.inputTokens} + ${inputTokens}`,
        outputTokens: sql`${turns.outputTokens} + ${outputTokens}`,
        iterations: sql`${turns.iterations} + 1`,
      })
      .where(eq(turns.id, id)),
  );
}

export async function recordLlmCall(db: Database, values: typeof llmCalls.$inferInsert): Promise<void> {
  await withDbErrors(() => db.insert(llmCalls).values(values));
}

export async function recordToolCallStart(
  db: Database,
  values: typeof toolCalls.$inferInsert,
): Promise<void> {
  await withDbErrors(() => db.insert(toolCalls).values(values));
}

export async function recordToolCallEnd(
  db: Database,
  turnId: string,
  callId: string,
  values: { status: ToolCallRow["status"]; result: string },
): Promise<void> {
  await withDbErrors(() =>
    db
      .update(toolCalls)
      .set({ ...values, finishedAt: sql`now()` })
      .where(and(eq(toolCalls.turnId, turnId), eq(toolCalls.callId, callId))),
  );
}

/** Turns a crash left `running`, with the chat they belong to. */
export async function findRunningTurns(
  db: Database,
): Promise<{ turn: TurnRow; channel: string; chatId: string; trigger: string | null }[]> {
  const rows = await withDbErrors(() =>
    db
      .select({
        turn: turns,
        channel: conversations.channel,
        chatId: conversations.chatId,
        trigger: messages.content,
      })
      .from(turns)
      .innerJoin(conversations, eq(conversations.id, turns.conversationId))
      .leftJoin(messages, eq(messages.id, turns.triggerMessageId))
      .where(eq(turns.status, "running")),
  );
  return rows;
}

/** Inbound messages stored but never handled (the process died in between), oldest first. */
export async function findUnhandledInbound(db: Database): Promise<(typeof messages.$inferSelect)[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.direction, "inbound"), isNull(messages.handledAt)))
      .orderBy(messages.sequence),
  );
}

/** Marks an inbound message dealt with; `refusal` records that the host refused it (audit). */
export async function markMessageHandled(
  db: Database,
  messageId: string,
  refusal?: MessageRefusal,
): Promise<void> {
  await withDbErrors(() =>
    db
      .update(messages)
      .set({ handledAt: sql`now()`, ...(refusal ? { refusal } : {}) })
      .where(eq(messages.id, messageId)),
  );
}
