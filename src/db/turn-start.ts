/**
 * How a turn starts, in one round trip: the turn row is inserted (status `running`), its trigger
 * message is marked handled by it, and the history the model will see is read — one statement,
 * so a crash can neither leave a turn without its message nor a message answered twice.
 * The read sees the rows as they were before the statement (PostgreSQL's CTE snapshot): the
 * trigger still unhandled, which the history counts as part of the exchange either way.
 * The turn starts without a loop state; its first checkpoint is its pause or its end.
 */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { companionStatement } from "./companion-statements.ts";
import { type HistoryRange, historyQuery, type StoredMessage } from "./conversations.ts";
import { withDbErrors } from "./errors.ts";
import { messages, turns } from "./schema/index.ts";

export interface StartedTurn {
  turnId: string;
  /** The history messages in `range`, oldest first (as `listHistoryMessages` returns them). */
  history: StoredMessage[];
}

export async function startTurnWithHistory(
  db: Database,
  values: { conversationId: string; triggerMessageId: string },
  range: HistoryRange,
): Promise<StartedTurn> {
  const turnId = randomUUID();
  const started = companionStatement(db, "started_turn", db.insert(turns).values({ ...values, id: turnId }));
  const marked = companionStatement(
    db,
    "marked_trigger",
    db
      .update(messages)
      .set({ turnId, handledAt: sql`now()` })
      .where(eq(messages.id, values.triggerMessageId)),
  );
  const rows = await withDbErrors(() => historyQuery(db.with(started, marked), values.conversationId, range));
  return { turnId, history: rows.reverse() };
}
