/**
 * The turn state machine: legal moves are compare-and-set (the second actor loses), illegal
 * moves throw a clear error and change nothing, writes made alongside a move land with it or not
 * at all, and the stored loop state reads back typed or fails clearly.
 */
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { readTurnState, transitionTurn, turnTransitions } from "../../src/agent/turn-state.ts";
import { insertApprovals } from "../../src/db/approvals.ts";
import type { Database } from "../../src/db/client.ts";
import { getOrCreateConversation, recordMessage } from "../../src/db/conversations.ts";
import { approvals, messages } from "../../src/db/schema/index.ts";
import { createTurn, getTurn } from "../../src/db/turns.ts";
import { AppError } from "../../src/errors.ts";
import { forEachBackend } from "../support/db.ts";

async function runningTurn(db: Database) {
  const conversation = await getOrCreateConversation(db, "memory", "chat-1");
  const turn = await createTurn(db, { conversationId: conversation.id });
  return { conversation, turn };
}

const loopState = { messages: [{ role: "user" as const, content: "hi" }], iterations: 1 };

test("the table: final statuses go nowhere, and a parked turn only resumes or ends", () => {
  for (const status of ["completed", "failed", "cancelled", "interrupted"] as const) {
    expect(turnTransitions[status]).toEqual([]);
  }
  expect(turnTransitions.awaiting_approval).toEqual(["running", "failed", "cancelled"]);
});

forEachBackend("turn state", ({ database }) => {
  test("a legal move happens once: the second actor gets false", async () => {
    const { db } = await database();
    const { turn } = await runningTurn(db);
    expect(await transitionTurn(db, turn.id, "running", "awaiting_approval", { state: loopState })).toBe(
      true,
    );
    expect(await transitionTurn(db, turn.id, "awaiting_approval", "running")).toBe(true);
    expect(await transitionTurn(db, turn.id, "awaiting_approval", "running")).toBe(false);
    const finishedAt = new Date("2026-01-01T10:00:00Z");
    expect(await transitionTurn(db, turn.id, "running", "completed", { finishedAt })).toBe(true);
    const stored = await getTurn(db, turn.id);
    expect(stored?.status).toBe("completed");
    expect(stored?.finishedAt?.toISOString()).toBe(finishedAt.toISOString());
    expect(stored && readTurnState(stored)).toEqual(loopState);
  });

  test("an illegal move throws a clear error and leaves the turn as it was", async () => {
    const { db } = await database();
    const { turn } = await runningTurn(db);
    await transitionTurn(db, turn.id, "running", "completed");
    const attempt = transitionTurn(db, turn.id, "completed", "running");
    await expect(attempt).rejects.toThrow("a turn cannot go from completed to running");
    await expect(attempt).rejects.toMatchObject({ code: "invalid_transition" });
    // One forbidden source among several is enough to refuse the whole move.
    await expect(transitionTurn(db, turn.id, ["running", "failed"], "cancelled")).rejects.toBeInstanceOf(
      AppError,
    );
    expect((await getTurn(db, turn.id))?.status).toBe("completed");
  });

  test("writes alongside a move land only when the move wins", async () => {
    const { db } = await database();
    const { conversation, turn } = await runningTurn(db);
    const approval = (id: string) => ({
      id,
      turnId: turn.id,
      conversationId: conversation.id,
      callId: "c1",
      tool: "deploy",
      params: {},
      summary: "deploy",
      fingerprint: "f",
      allowAlways: "yes" as const,
      expiresAt: new Date(Date.now() + 60_000),
      channel: "memory",
      chatId: "chat-1",
    });
    const pause = (id: string) =>
      transitionTurn(db, turn.id, "running", "awaiting_approval", { state: loopState }, (tx) =>
        insertApprovals(tx, [approval(id)]),
      );
    expect(await pause("first")).toBe(true);
    expect(await pause("second")).toBe(false);
    const stored = await db.select().from(approvals).where(eq(approvals.turnId, turn.id));
    expect(stored.map((row) => row.id)).toEqual(["first"]);
  });

  test("a failing write alongside a move rolls the move back", async () => {
    const { db } = await database();
    const { conversation, turn } = await runningTurn(db);
    const duplicate = {
      id: "same",
      turnId: turn.id,
      conversationId: conversation.id,
      callId: "c1",
      tool: "deploy",
      params: {},
      summary: "deploy",
      fingerprint: "f",
      allowAlways: "yes" as const,
      expiresAt: new Date(Date.now() + 60_000),
      channel: "memory",
      chatId: "chat-1",
    };
    const pause = transitionTurn(db, turn.id, "running", "awaiting_approval", {}, (tx) =>
      insertApprovals(tx, [duplicate, duplicate]),
    );
    await expect(pause).rejects.toMatchObject({ code: "conflict" });
    expect((await getTurn(db, turn.id))?.status).toBe("running");
    expect(await db.select().from(approvals)).toEqual([]);
  });

  test("createTurn starts the turn running and marks its trigger handled by it", async () => {
    const { db } = await database();
    const conversation = await getOrCreateConversation(db, "memory", "chat-1");
    const { message } = await recordMessage(db, {
      conversationId: conversation.id,
      channel: "memory",
      chatId: "chat-1",
      direction: "inbound",
      role: "user",
      content: "hello",
      platformMessageId: "1",
    });
    const turn = await createTurn(db, { conversationId: conversation.id, triggerMessageId: message.id });
    const [handled] = await db.select().from(messages).where(eq(messages.id, message.id));
    expect(handled?.turnId).toBe(turn.id);
    expect(handled?.handledAt).toBeInstanceOf(Date);
    expect(turn.status).toBe("running");
  });

  test("a stored state that is not a loop state fails clearly instead of being trusted", async () => {
    const { db } = await database();
    const conversation = await getOrCreateConversation(db, "memory", "chat-1");
    const turn = await createTurn(db, { conversationId: conversation.id, state: { messages: "nope" } });
    expect(() => readTurnState(turn)).toThrow("the stored state of this turn is not a loop state");
    const empty = await createTurn(db, { conversationId: conversation.id });
    expect(readTurnState(empty)).toBeUndefined();
  });
});
