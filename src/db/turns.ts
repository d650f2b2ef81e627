/**
 * Turns and what they did (LLM calls, tool calls). Status changes go through
 * `src/agent/turn-state.ts`, whose transition table decides which moves are legal; the
 * compare-and-set here only guarantees that a move happens once.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { AppError } from "../errors.ts";
import type { Database } from "./client.ts";
import { companionStatement } from "./companion-statements.ts";
import { type Conversation, type OutboundValues, outboundCompanions } from "./conversations.ts";
import { withDbErrors } from "./errors.ts";
import {
  conversations,
  type MessageRefusal,
  messages,
  type TurnStatus,
  toolCalls,
  turns,
} from "./schema/index.ts";

export type TurnRow = typeof turns.$inferSelect;
export type ToolCallRow = typeof toolCalls.$inferSelect;

/**
 * Starts a turn (status `running`) and, in the same statement, marks its trigger message as
 * handled by it: a crash in between can neither leave a turn without its message nor a message
 * answered twice. `state` is the turn's first checkpoint, stored with it.
 */
export async function createTurn(
  db: Database,
  values: { conversationId: string; triggerMessageId?: string; state?: unknown },
): Promise<TurnRow> {
  const id = randomUUID();
  const insert = values.triggerMessageId
    ? db.with(
        companionStatement(
          db,
          "marked_trigger",
          db
            .update(messages)
            .set({ turnId: id, handledAt: sql`now()` })
            .where(eq(messages.id, values.triggerMessageId)),
        ),
      )
    : db;
  const [row] = await withDbErrors(() =>
    insert
      .insert(turns)
      .values({ ...values, id })
      .returning(),
  );
  if (!row) throw new AppError("database_error", "the new turn was not returned");
  return row;
}

export async function getTurn(db: Database, id: string): Promise<TurnRow | undefined> {
  const [row] = await withDbErrors(() => db.select().from(turns).where(eq(turns.id, id)));
  return row;
}

/** The columns a status change may set besides the status itself. */
export type TurnPatch = Partial<Pick<TurnRow, "state" | "error" | "finishedAt">>;

/**
 * Rows written in the same statement as a status change, whether or not the move wins (as they
 * were when written just before it): the message the turn sent, and its conversation's touch.
 */
export interface TurnCompanions {
  outbound?: { conversation: Conversation; values: OutboundValues };
}

/**
 * Compare-and-set on the status: moves the turn to `to` only while it is in one of `from`.
 * Returns false when another actor got there first. Only `src/agent/turn-state.ts` calls this,
 * after checking the transition against its table; everything else goes through that module.
 */
export async function compareAndSetTurnStatus(
  db: Database,
  id: string,
  from: readonly TurnStatus[],
  to: TurnStatus,
  patch: TurnPatch = {},
  companions: TurnCompanions = {},
): Promise<boolean> {
  const withs = companions.outbound
    ? outboundCompanions(db, companions.outbound.conversation, companions.outbound.values)
    : [];
  const rows = await withDbErrors(() =>
    (withs.length > 0 ? db.with(...withs) : db)
      .update(turns)
      .set({ ...patch, status: to })
      .where(and(eq(turns.id, id), inArray(turns.status, [...from])))
      .returning({ id: turns.id }),
  );
  return rows.length > 0;
}

/** Stores the loop state of a turn that is still `running` (its checkpoint); false otherwise. */
export async function saveRunningTurnState(db: Database, id: string, state: unknown): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(turns)
      .set({ state })
      .where(and(eq(turns.id, id), eq(turns.status, "running")))
      .returning({ id: turns.id }),
  );
  return rows.length > 0;
}

/**
 * Closes an `interrupted` turn the owner has not been told about yet (a graceful shutdown leaves
 * `finishedAt` unset for exactly that); true for the one caller that closed it.
 */
export async function closeInterruptedTurn(db: Database, id: string, at: Date): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(turns)
      .set({ finishedAt: at })
      .where(and(eq(turns.id, id), eq(turns.status, "interrupted"), isNull(turns.finishedAt)))
      .returning({ id: turns.id }),
  );
  return rows.length > 0;
}

/** Ids of the turns parked until the owner decides their approvals. */
export async function listTurnIdsAwaitingApproval(db: Database): Promise<string[]> {
  const rows = await withDbErrors(() =>
    db.select({ id: turns.id }).from(turns).where(eq(turns.status, "awaiting_approval")),
  );
  return rows.map((row) => row.id);
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

/** A tool call that now waits for the owner (its approval was requested). */
export async function markToolCallAwaitingApproval(
  db: Database,
  turnId: string,
  callId: string,
): Promise<void> {
  await withDbErrors(() =>
    db
      .update(toolCalls)
      .set({ status: "awaiting_approval" })
      .where(and(eq(toolCalls.turnId, turnId), eq(toolCalls.callId, callId))),
  );
}

/**
 * Turns the owner must hear about after a restart, with the chat they belong to: those a crash
 * left `running`, and those a graceful shutdown interrupted (`interrupted`, not yet closed).
 */
export async function findTurnsCutShort(
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
      .where(or(eq(turns.status, "running"), and(eq(turns.status, "interrupted"), isNull(turns.finishedAt))))
      .orderBy(turns.startedAt),
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
