/**
 * Memory through the real host: the system prompt comes from the documents in the database,
 * memory_write to a system-prompt file waits for the owner, and nothing is lost at compaction —
 * a fact from message 3 of a 200-message conversation is found after two compactions even
 * though neither summary kept it.
 */
import { afterEach, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getOrCreateConversation, recordMessage } from "../../src/db/conversations.ts";
import { approvals, conversations } from "../../src/db/schema/index.ts";
import { silentLogger } from "../../src/log.ts";
import { createMemory } from "../../src/memory/memory.ts";
import { memorySearchNote } from "../../src/memory/system-prompt.ts";
import { forEachBackend, openSecondConnection } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

forEachBackend("memory in the host", ({ database }) => {
  test("the system prompt is read from the database, byte-stable, and follows an edit", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle);
    open.push(harness);
    const { channel, llmServer, host } = harness;
    // The seeded workspace files were imported once.
    expect((await host.memory.tree()).map((entry) => entry.path)).toEqual([
      "AGENTS.md",
      "MEMORY.md",
      "SOUL.md",
      "USER.md",
    ]);
    llmServer.enqueue({ text: "one" }, { text: "two" }, { text: "three" });
    await channel.deliver("hi");
    await host.queue.drain();
    await channel.deliver("again");
    await host.queue.drain();
    const system = (index: number) => sentMessages(llmServer.requests[index])[0]?.content ?? "";
    expect(system(0)).toContain("You are IronClaw");
    expect(system(0)).toContain(memorySearchNote);
    expect(system(1)).toBe(system(0));
    await host.memory.write("USER.md", "The owner is Ana; she lives in Porto.");
    await channel.deliver("third");
    await host.queue.drain();
    expect(system(2)).toContain("## USER\nThe owner is Ana; she lives in Porto.");
  });

  test("an edit from another process (the CLI on PostgreSQL) reaches the next turn's prompt", async () => {
    const handle = await database();
    const second = await openSecondConnection(handle);
    if (!second) return; // PGlite is single-process
    const harness = await startHostHarness(handle);
    open.push(harness, second);
    const { channel, llmServer, host } = harness;
    llmServer.enqueue({ text: "one" }, { text: "two" });
    await channel.deliver("hi");
    await host.queue.drain();
    const other = await createMemory({ database: second, log: silentLogger, timezone: "UTC" });
    await other.write("USER.md", "The owner is Rui.");
    await other.stop();
    await Bun.sleep(300); // the NOTIFY travels to the host's listening connection
    await channel.deliver("again");
    await host.queue.drain();
    expect(sentMessages(llmServer.requests[1])[0]?.content).toContain("## USER\nThe owner is Rui.");
  });

  test("memory_write to MEMORY.md waits for approval; a daily-note write does not", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle, {
      overrides: { now: () => new Date("2026-12-01T09:00:00Z") },
    });
    open.push(harness);
    const { channel, llmServer, host } = harness;
    llmServer.enqueue(
      { toolCalls: [{ id: "w1", name: "memory_write", arguments: '{"content":"Ana likes figs."}' }] },
      {
        toolCalls: [
          {
            id: "w2",
            name: "memory_write",
            arguments: '{"path":"MEMORY.md","content":"Ana likes figs.","mode":"replace"}',
          },
        ],
      },
    );
    await channel.deliver("remember figs");
    await channel.waitFor(() =>
      channel.sent.some((message) => message.prompt || message.text.startsWith("Approval needed")),
    );
    expect(await host.memory.read("daily/2026-12-01.md")).toBe("Ana likes figs.");
    expect(await host.memory.read("MEMORY.md")).not.toContain("figs");
    const [approval] = await handle.db.select().from(approvals);
    expect(approval?.tool).toBe("memory_write");
    llmServer.enqueue({ text: "Saved." });
    expect((await channel.press(approval?.id as string, "approve")).ok).toBe(true);
    await host.queue.drain();
    await channel.waitFor(() => channel.texts().includes("Saved."));
    expect(await host.memory.read("MEMORY.md")).toBe("Ana likes figs.");
  });

  test("a fact from message 3 of a 200-message conversation is found after two compactions", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle, { overrides: { historyBudgetTokens: 2500 } });
    open.push(harness);
    const { channel, llmServer, host } = harness;
    const conversation = await getOrCreateConversation(handle.db, channel.id, "chat-1");
    const filler = (index: number) =>
      `Message ${index} about the weekly plan, errands and the weather. `.repeat(2);
    for (let index = 1; index <= 198; index++) {
      const inbound = index % 2 === 1;
      const content = index === 3 ? "My bike lock code is 4417, keep it in mind." : filler(index);
      await recordMessage(handle.db, {
        conversationId: conversation.id,
        channel: conversation.channel,
        chatId: conversation.chatId,
        direction: inbound ? "inbound" : "outbound",
        role: inbound ? "user" : "assistant",
        content,
        ...(inbound
          ? { platformMessageId: `seed-${index}`, turnId: randomUUID(), handledAt: new Date() }
          : {}),
      });
    }
    // Each turn compacts once; the summaries deliberately forget the lock code.
    llmServer.enqueue({ text: "Owner and assistant discussed weekly plans." }, { text: "ok 199" });
    await channel.deliver("message 199", { chatId: "chat-1" });
    await host.queue.drain();
    llmServer.enqueue({ text: "More planning, errands, weather." }, { text: "ok 201" });
    await channel.deliver("message 201", { chatId: "chat-1" });
    await host.queue.drain();
    const [row] = await handle.db.select().from(conversations);
    expect(row?.summary).toBe("More planning, errands, weather.");
    const compactions = llmServer.requests.filter((request) =>
      sentMessages(request)[0]?.content.startsWith("Summarize this conversation"),
    );
    expect(compactions).toHaveLength(2);
    const counted = await handle.query<{ count: number }>(sql`select count(*)::int as count from messages`);
    expect(Number(counted[0]?.count)).toBeGreaterThanOrEqual(200);

    const found = await host.memory.search({ query: "bike lock code" });
    expect(found.hits[0]?.path).toMatch(/^conversations\/.+\/\d+-\d+\.md$/);
    expect(found.hits[0]?.snippet).toContain("4417");
    const archives = await host.memory.tree("conversations/");
    expect(archives).toHaveLength(2);
    const [daily] = await host.memory.tree("daily/");
    const note = await host.memory.read(daily?.path as string);
    expect(note).toContain("Owner and assistant discussed weekly plans.");
    expect(note).toContain("More planning, errands, weather.");
    expect(note).toMatch(/messages \d+–\d+ \(transcript: conversations\//);

    // The model finds it through its tool, too.
    llmServer.enqueue(
      { toolCalls: [{ id: "s1", name: "memory_search", arguments: '{"query":"bike lock code"}' }] },
      { text: "It is 4417." },
    );
    await channel.deliver("what was my bike lock code?", { chatId: "chat-1" });
    await host.queue.drain();
    const toolMessage = sentMessages(llmServer.requests.at(-1)).find((message) => message.role === "tool");
    expect(toolMessage?.content).toContain("4417");
  });
});
