import { afterEach, expect, test } from "bun:test";
import { conversations } from "../../src/db/schema/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

forEachBackend("context compaction", ({ database }) => {
  test("a history over the budget is summarized once and the summary replaces the older messages", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle, { overrides: { historyBudgetTokens: 110 } });
    open.push(harness);
    const { channel, llmServer, host } = harness;
    const long = (label: string) => `${label}: ${"details ".repeat(12)}`;
    for (const label of ["one", "two", "three"]) {
      llmServer.enqueue({ text: `ack ${label}` });
      await channel.deliver(long(label));
      await host.queue.drain();
    }
    // The fourth turn finds the history too long: first a summary request, then the turn itself.
    llmServer.enqueue({ text: "Owner sent three detailed notes." }, { text: "ack four" });
    await channel.deliver(long("four"));
    await host.queue.drain();
    expect(channel.texts().at(-1)).toBe("ack four");

    const summaryRequest = sentMessages(llmServer.requests.at(-2));
    expect(summaryRequest[0]?.content).toContain("Summarize this conversation");
    expect(summaryRequest[1]?.content).toContain("one: details");
    const turnRequest = sentMessages(llmServer.requests.at(-1));
    expect(turnRequest.some((message) => message.content.includes("Owner sent three detailed notes."))).toBe(
      true,
    );
    expect(turnRequest.some((message) => message.content.startsWith("one: "))).toBe(false);
    expect(turnRequest.at(-1)?.content).toStartWith("four: ");
    const [conversation] = await handle.db.select().from(conversations);
    expect(conversation?.summary).toBe("Owner sent three detailed notes.");
    expect(conversation?.summaryThrough).toBeGreaterThan(0);
  });
});
