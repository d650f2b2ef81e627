/**
 * Text PostgreSQL refuses (U+0000 anywhere, lone surrogates in jsonb) is stored as U+FFFD through
 * every free-text and JSON column, on both backends; well-formed text is stored unchanged.
 */
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { transitionTurn } from "../../src/agent/turn-state.ts";
import { cleanJson, cleanText, toStorableJson } from "../../src/db/clean-text.ts";
import { getOrCreateConversation, recordMessage } from "../../src/db/conversations.ts";
import { approvals, messages, toolCalls, turns } from "../../src/db/schema/index.ts";
import { createTurn, recordToolCallEnd, recordToolCallStart } from "../../src/db/turns.ts";
import { forEachBackend } from "../support/db.ts";

const nul = "\u0000";
const loneHigh = "\ud800";
const loneLow = "\udc00";
const pair = "\ud83d\ude00";

describe("cleanText and cleanJson", () => {
  test("NUL and lone surrogates become U+FFFD; pairs and ordinary text are untouched", () => {
    expect(cleanText(`a${nul}b${loneHigh}c${loneLow}d${pair}`)).toBe(`a\uFFFDb\uFFFDc\uFFFDd${pair}`);
    expect(cleanText(`${loneLow}${loneHigh}`)).toBe("\uFFFD\uFFFD");
    const clean = "plain text, ünïcödé and \\u0000 written out";
    expect(cleanText(clean)).toBe(clean);
  });

  test("JSON is cleaned in keys and nested values; other values are kept", () => {
    expect(cleanJson({ [`k${nul}`]: [`v${loneHigh}`, 1, true, null, { deep: nul }] })).toEqual({
      "k\uFFFD": ["v\uFFFD", 1, true, null, { deep: "\uFFFD" }],
    });
    expect(toStorableJson({ text: "a\\u0000 literally" })).toBe(
      JSON.stringify({ text: "a\\u0000 literally" }),
    );
    expect(JSON.parse(toStorableJson({ text: `x${nul}` }))).toEqual({ text: "x\uFFFD" });
  });
});

forEachBackend("unstorable text at the database boundary", ({ database }) => {
  test("a message with NUL in its text, ids and metadata is stored and found again by its id", async () => {
    const { db } = await database();
    const conversation = await getOrCreateConversation(db, "memory", `chat${nul}1`);
    expect(conversation.chatId).toBe("chat\uFFFD1");
    expect((await getOrCreateConversation(db, "memory", `chat${nul}1`)).id).toBe(conversation.id);
    const message = {
      conversationId: conversation.id,
      channel: "memory",
      chatId: `chat${nul}1`,
      direction: "inbound" as const,
      role: "user" as const,
      content: `hello${nul}world ${loneHigh} ${pair}`,
      platformMessageId: `id${nul}`,
      metadata: { [`key${nul}`]: `value${loneLow}` },
    };
    const first = await recordMessage(db, message);
    expect(first.duplicate).toBe(false);
    expect(first.message.content).toBe(`hello\uFFFDworld \uFFFD ${pair}`);
    expect(first.message.metadata).toEqual({ "key\uFFFD": "value\uFFFD" });
    // The redelivery carries the same raw id: it must still be recognised.
    const again = await recordMessage(db, message);
    expect(again.duplicate).toBe(true);
    expect(again.message.id).toBe(first.message.id);
  });

  test("turn state, errors, tool arguments and results with NUL are stored", async () => {
    const { db } = await database();
    const conversation = await getOrCreateConversation(db, "memory", "chat-1");
    const turn = await createTurn(db, { conversationId: conversation.id });
    await transitionTurn(db, turn.id, "running", "failed", {
      state: { messages: [{ role: "assistant", content: `reply${nul}${loneHigh}` }], iterations: 1 },
      error: `boom${nul}`,
    });
    await recordToolCallStart(db, {
      turnId: turn.id,
      callId: `call${nul}`,
      tool: "upper",
      arguments: `{"text":"a${nul}b"}`,
      status: "running",
    });
    await recordToolCallEnd(db, turn.id, `call${nul}`, { status: "succeeded", result: `A${nul}B` });
    await db.insert(approvals).values({
      id: "ap-1",
      turnId: turn.id,
      conversationId: conversation.id,
      callId: "c",
      tool: "deploy",
      params: { target: `prod${nul}` },
      summary: `deploy prod${nul}`,
      fingerprint: "f",
      allowAlways: "yes",
      expiresAt: new Date(Date.now() + 60_000),
      channel: "memory",
      chatId: "chat-1",
    });

    const [stored] = await db.select().from(turns).where(eq(turns.id, turn.id));
    expect(stored?.state).toEqual({
      messages: [{ role: "assistant", content: "reply\uFFFD\uFFFD" }],
      iterations: 1,
    });
    expect(stored?.error).toBe("boom\uFFFD");
    const [call] = await db.select().from(toolCalls).where(eq(toolCalls.turnId, turn.id));
    expect([call?.callId, call?.arguments, call?.status, call?.result]).toEqual([
      "call\uFFFD",
      '{"text":"a\uFFFDb"}',
      "succeeded",
      "A\uFFFDB",
    ]);
    const [approval] = await db.select().from(approvals);
    expect(approval?.params).toEqual({ target: "prod\uFFFD" });
    expect(await db.select().from(messages)).toEqual([]);
  });
});
