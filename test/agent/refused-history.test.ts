/**
 * Refused messages stay refused: a message answered "too long" (or "empty", or "only text") is
 * kept in the database for the audit trail but never sent to the model again, and neither are
 * commands the host answered itself.
 */
import { afterEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { messages } from "../../src/db/schema/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

forEachBackend("refused messages", ({ database }) => {
  test("an over-limit message is kept but never enters a later LLM request", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle, { env: { MAX_MESSAGE_CHARS: "100" } });
    open.push(harness);
    const { channel, llmServer, host } = harness;
    const big = `${"y".repeat(5_000)}-the-big-paste`;
    llmServer.enqueue({ text: "first answer" }, { text: "second answer" });

    await channel.deliver("hello");
    await host.queue.drain();
    await channel.deliver(big);
    await channel.deliver("", { kind: "unsupported" });
    await channel.deliver("   ");
    await channel.deliver("/status");
    await channel.deliver("and now?");
    await host.queue.drain();

    expect(llmServer.requests).toHaveLength(2);
    const second = sentMessages(llmServer.requests[1]);
    expect(second.map((message) => [message.role, message.content]).slice(1)).toEqual([
      ["user", "hello"],
      ["assistant", "first answer"],
      ["user", "and now?"],
    ]);
    expect(JSON.stringify(llmServer.requests[1]?.body)).not.toContain("the-big-paste");
    expect(channel.texts()).toContain(
      "Your message is 5014 characters long; the limit is 100. Please send it shorter or in parts.",
    );

    const refused = await handle.db.select().from(messages).where(eq(messages.content, big));
    expect(refused).toHaveLength(1);
    expect(refused[0]?.refusal).toBe("too_long");
    expect(refused[0]?.handledAt).not.toBeNull();
    const reasons = await handle.db
      .select({ content: messages.content, refusal: messages.refusal })
      .from(messages)
      .where(eq(messages.direction, "inbound"))
      .orderBy(messages.sequence);
    expect(reasons.map((row) => row.refusal)).toEqual([null, "too_long", "unsupported", "empty", null, null]);
  });

  test("a refused message stored but not yet answered before a restart is refused, not replayed", async () => {
    const handle = await database();
    // First life: one ordinary exchange.
    const first = await startHostHarness(handle, {
      env: { MAX_MESSAGE_CHARS: "10" },
      script: [{ text: "hi" }],
    });
    await first.host.pipeline.handle({
      channel: "memory",
      chatId: "chat-1",
      senderId: "owner-1",
      messageId: "m-1",
      text: "hello",
      isDirect: true,
    });
    await first.host.queue.drain();
    await first.close();
    // A row left by a crash (or by a version before refusals were recorded): stored, never
    // handled, no verdict.
    const [hello] = await handle.db.select().from(messages).where(eq(messages.content, "hello"));
    await handle.db.insert(messages).values({
      conversationId: hello?.conversationId as string,
      channel: "memory",
      chatId: "chat-1",
      direction: "inbound",
      role: "user",
      content: "far too long for the limit",
      platformMessageId: "m-2",
    });

    const second = await startHostHarness(handle, {
      env: { MAX_MESSAGE_CHARS: "10" },
      script: [{ text: "answered" }],
    });
    open.push(second);
    await second.host.queue.drain();
    await second.channel.waitFor(() =>
      second.channel.texts().some((text) => text.includes("the limit is 10")),
    );
    await second.channel.deliver("next");
    await second.host.queue.drain();
    expect(second.llmServer.requests).toHaveLength(1);
    const sent = sentMessages(second.llmServer.requests[0]);
    expect(sent.map((message) => message.content).slice(1)).toEqual(["hello", "hi", "next"]);
    const [row] = await handle.db
      .select()
      .from(messages)
      .where(eq(messages.content, "far too long for the limit"));
    expect(row?.refusal).toBe("too_long");
  });
});
