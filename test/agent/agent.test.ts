import { afterEach, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { llmCalls, messages, toolCalls, turns } from "../../src/db/schema/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";
import { createGateTool, createUpperTool } from "./tools-fixtures.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});
async function harnessFor(...args: Parameters<typeof startHostHarness>) {
  const harness = await startHostHarness(...args);
  open.push(harness);
  return harness;
}

forEachBackend("agent turns", ({ database }) => {
  test("a multi-step tool loop answers and persists every step", async () => {
    const handle = await database();
    const { channel, llmServer, host } = await harnessFor(handle, { tools: [createUpperTool()] });
    llmServer.enqueue(
      {
        toolCalls: [{ id: "c1", name: "upper", arguments: '{"text":"abc"}' }],
        usage: { inputTokens: 11, outputTokens: 3 },
      },
      { toolCalls: [{ id: "c2", name: "upper", arguments: '{"text":"def"}' }] },
      { text: "Results: ABC and DEF", usage: { inputTokens: 20, outputTokens: 6 } },
    );
    await channel.deliver("shout abc then def");
    await host.queue.drain();
    expect(channel.texts()).toEqual(["Results: ABC and DEF"]);
    expect(llmServer.requests).toHaveLength(3);
    const third = sentMessages(llmServer.requests[2]);
    expect(third.filter((message) => message.role === "tool").map((message) => message.content)).toEqual([
      "ABC",
      "DEF",
    ]);
    expect(third[0]?.role).toBe("system");

    const [turn] = await handle.db.select().from(turns);
    expect(turn?.status).toBe("completed");
    expect(turn?.iterations).toBe(3);
    expect(turn?.inputTokens).toBe(11 + 10 + 20);
    // A finished turn keeps no copy of its loop state: its steps are the rows checked below.
    expect(turn?.state).toBeNull();
    const calls = await handle.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.turnId, turn?.id as string));
    expect(calls.map((call) => [call.tool, call.status, call.result])).toEqual(
      expect.arrayContaining([
        ["upper", "succeeded", "ABC"],
        ["upper", "succeeded", "DEF"],
      ]),
    );
    const llm = await handle.db.select().from(llmCalls);
    expect(llm).toHaveLength(3);
    expect(llm.every((call) => call.model === "gpt-test" && call.latencyMs >= 0)).toBe(true);
    const stored = await handle.db.select().from(messages).orderBy(messages.sequence);
    expect(stored.map((row) => [row.direction, row.content])).toEqual([
      ["inbound", "shout abc then def"],
      ["outbound", "Results: ABC and DEF"],
    ]);
    expect(stored[0]?.handledAt).not.toBeNull();
  });

  test("tool calls from one model message run in parallel", async () => {
    const gate = createGateTool();
    const { channel, llmServer, host } = await harnessFor(await database(), { tools: [gate.tool] });
    llmServer.enqueue(
      {
        toolCalls: [
          { id: "a", name: "wait", arguments: '{"label":"a"}' },
          { id: "b", name: "wait", arguments: '{"label":"b"}' },
        ],
      },
      { text: "both done" },
    );
    await channel.deliver("run two");
    while (gate.state.started < 2) await Bun.sleep(5);
    expect(gate.state.maxConcurrent).toBe(2);
    gate.release();
    await host.queue.drain();
    expect(channel.texts()).toEqual(["both done"]);
    const second = sentMessages(llmServer.requests[1]);
    expect(
      second.filter((message) => message.role === "tool").map((message) => message.tool_call_id),
    ).toEqual(["a", "b"]);
  });

  test("at the iteration limit the model is asked for a final answer without tools", async () => {
    const { channel, llmServer, host } = await harnessFor(await database(), {
      tools: [createUpperTool()],
      env: { AGENT_MAX_ITERATIONS: "2" },
    });
    llmServer.enqueue(
      { toolCalls: [{ id: "1", name: "upper", arguments: '{"text":"a"}' }] },
      { toolCalls: [{ id: "2", name: "upper", arguments: '{"text":"b"}' }] },
      { text: "Stopping here: A, B" },
    );
    await channel.deliver("loop forever");
    await host.queue.drain();
    expect(llmServer.requests).toHaveLength(3);
    expect(llmServer.requests[1]?.body.tools).toBeDefined();
    expect(llmServer.requests[2]?.body.tools).toBeUndefined();
    expect(sentMessages(llmServer.requests[2]).at(-1)?.content).toContain("Answer the owner now");
    expect(channel.texts()).toEqual(["Stopping here: A, B"]);
  });

  test("a second message during a turn waits its turn; none is dropped and order is kept", async () => {
    const gate = createGateTool();
    const { channel, llmServer, host } = await harnessFor(await database(), { tools: [gate.tool] });
    llmServer.enqueue(
      { toolCalls: [{ id: "w", name: "wait", arguments: "{}" }] },
      { text: "first answer" },
      { text: "second answer" },
    );
    await channel.deliver("first");
    while (gate.state.started < 1) await Bun.sleep(5);
    await channel.deliver("second");
    await channel.deliver("third"); // queued behind "second"
    expect(llmServer.requests).toHaveLength(1);
    llmServer.enqueue({ text: "third answer" });
    gate.release();
    await host.queue.drain();
    expect(channel.texts()).toEqual(["first answer", "second answer", "third answer"]);
    const lastRequest = sentMessages(llmServer.requests[3]);
    expect(
      lastRequest.filter((message) => message.role === "user").map((message) => message.content),
    ).toEqual(["first", "second", "third"]);
  });

  test("invalid tool arguments and unknown tools become error results the model sees", async () => {
    const { channel, llmServer, host } = await harnessFor(await database(), { tools: [createUpperTool()] });
    llmServer.enqueue(
      {
        toolCalls: [
          { id: "bad", name: "upper", arguments: '{"txt":1}' },
          { id: "unknown", name: "format_disk", arguments: "{}" },
          { id: "broken", name: "upper", arguments: "{not json" },
        ],
      },
      { text: "I could not do that." },
    );
    await channel.deliver("try tools");
    await host.queue.drain();
    const results = sentMessages(llmServer.requests[1]).filter((message) => message.role === "tool");
    expect(results[0]?.content).toContain("Invalid arguments for upper");
    expect(results[0]?.content).toContain("must have required property 'text'");
    expect(results[1]?.content).toContain('Unknown tool "format_disk"');
    expect(results[2]?.content).toContain("not valid JSON");
    expect(channel.texts()).toEqual(["I could not do that."]);
  });

  test("a malformed LLM reply gets a clear message and the next message is served", async () => {
    const { channel, llmServer, host } = await harnessFor(await database());
    llmServer.enqueue(
      { fault: "malformed_json" },
      { fault: "malformed_json" },
      { fault: "malformed_json" },
      { fault: "malformed_json" },
    );
    await channel.deliver("hello?");
    await host.queue.drain();
    expect(channel.texts()[0]).toContain("The model sent a reply I could not use");
    expect(llmServer.requests).toHaveLength(4); // transient: retried three times
    llmServer.enqueue({ text: "back again" });
    await channel.deliver("hello again");
    await host.queue.drain();
    expect(channel.texts()[1]).toBe("back again");
  });

  test("a rejected API key is reported plainly, without retries", async () => {
    const handle = await database();
    const { channel, llmServer, host } = await harnessFor(handle);
    llmServer.enqueue({ fault: "unauthorized" });
    await channel.deliver("hi");
    await host.queue.drain();
    expect(llmServer.requests).toHaveLength(1);
    expect(channel.texts()[0]).toContain("OPENAI_API_KEY");
    const [turn] = await handle.db.select().from(turns);
    expect(turn?.status).toBe("failed");
  });

  test("an empty reply from the model is reported, not sent as an empty message", async () => {
    const { channel, llmServer, host } = await harnessFor(await database());
    llmServer.enqueue({ text: "" });
    await channel.deliver("say nothing");
    await host.queue.drain();
    expect(channel.texts()).toHaveLength(1);
    expect(channel.texts()[0]).toContain("empty reply");
  });

  test("streamed text is shown by editing one message, ending with the full answer", async () => {
    const { channel, llmServer, host } = await harnessFor(await database());
    const long = "This answer arrives in many small pieces so that the channel sees it grow. "
      .repeat(4)
      .trim();
    llmServer.enqueue({ text: long });
    await channel.deliver("stream please");
    await host.queue.drain();
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]?.text).toBe(long);
  });

  test("strangers never reach the LLM, redeliveries are answered once, bad sizes get a clear reply", async () => {
    const handle = await database();
    const { channel, llmServer, host } = await harnessFor(handle, { env: { MAX_MESSAGE_CHARS: "20" } });
    await channel.deliver("let me in", { senderId: "stranger" });
    llmServer.enqueue({ text: "once" });
    await channel.deliver("hi", { messageId: "m-1" });
    await channel.deliver("hi", { messageId: "m-1" });
    await channel.deliver("x".repeat(21));
    await channel.deliver("   ");
    await channel.deliver("", { kind: "unsupported" });
    await host.queue.drain();
    expect(llmServer.requests).toHaveLength(1);
    // Notices answer at once and the turn's answer whenever the LLM replies: order is not fixed.
    expect(channel.texts().sort()).toEqual(
      [
        "Your message is 21 characters long; the limit is 20. Please send it shorter or in parts.",
        "Your message was empty — send me some text.",
        "Sorry, I can only read text messages for now (no stickers, voice or files).",
        "once",
      ].sort(),
    );
    const [count] = await handle.query<{ n: number }>(
      sql`select count(*)::int as n from messages where content = 'let me in'`,
    );
    expect(count?.n).toBe(0);
  });

  test("/cancel stops the running turn; /status and /help answer without the LLM", async () => {
    const handle = await database();
    const gate = createGateTool();
    const { channel, llmServer, host } = await harnessFor(handle, { tools: [gate.tool] });
    llmServer.enqueue({ toolCalls: [{ id: "w", name: "wait", arguments: "{}" }] });
    await channel.deliver("long job");
    while (gate.state.started < 1) await Bun.sleep(5);
    await channel.deliver("/status");
    await channel.deliver("/cancel");
    await host.queue.drain();
    await channel.deliver("/help");
    expect(channel.texts()).toEqual([
      expect.stringContaining("Working on your last message."),
      "Stopping the current task.",
      "Stopped.",
      expect.stringContaining("/new"),
    ]);
    const [turn] = await handle.db.select().from(turns);
    expect(turn?.status).toBe("cancelled");
  });
});
