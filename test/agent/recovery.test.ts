import { afterEach, expect, test } from "bun:test";
import { getOrCreateConversation, recordMessage } from "../../src/db/conversations.ts";
import { turns } from "../../src/db/schema/index.ts";
import { createTurn } from "../../src/db/turns.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

forEachBackend("recovery after a crash", ({ database }) => {
  test("a turn left running is marked interrupted and the owner is told; unhandled messages are answered", async () => {
    const handle = await database();
    // What a killed process leaves behind: a running turn, and a stored message never handled.
    const conversation = await getOrCreateConversation(handle.db, "memory", "chat-1");
    const base = {
      conversationId: conversation.id,
      channel: "memory",
      chatId: "chat-1",
      direction: "inbound" as const,
      role: "user" as const,
    };
    const { message: working } = await recordMessage(handle.db, {
      ...base,
      content: "summarize my inbox",
      platformMessageId: "1",
    });
    await createTurn(handle.db, { conversationId: conversation.id, triggerMessageId: working.id });
    await recordMessage(handle.db, { ...base, content: "and what time is it?", platformMessageId: "2" });

    const harness = await startHostHarness(handle, { script: [{ text: "It is noon." }] });
    open.push(harness);
    await harness.channel.waitFor(() => harness.channel.sent.length >= 1);
    await harness.host.queue.drain();
    expect(harness.channel.texts()).toEqual([
      "I was restarted while working on “summarize my inbox”. Please send it again if you still need it.",
      "It is noon.",
    ]);
    const statuses = (await handle.db.select().from(turns)).map((turn) => turn.status).sort();
    expect(statuses).toEqual(["completed", "interrupted"]);
    const request = sentMessages(harness.llmServer.requests[0]);
    expect(request.at(-1)?.content).toBe("and what time is it?");
  });
});
