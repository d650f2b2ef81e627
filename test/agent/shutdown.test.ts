/**
 * Graceful shutdown aborts the turns still running after the grace period: a tool that honours
 * its abort signal stops, the turn is stored interrupted (never left `running`), and after the
 * restart the owner is told and nothing runs a second time.
 */
import { afterEach, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/agent/events.ts";
import { turns } from "../../src/db/schema/index.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

/** A tool that runs until its signal fires, recording each start and whether it saw the abort. */
function createSlowTool() {
  const state = { started: 0, aborted: 0 };
  const tool: Tool = {
    name: "slow",
    description: "Works until stopped",
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: {}, additionalProperties: false },
    execute: async (_params, context) => {
      state.started++;
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
      state.aborted++;
      return { content: "stopped early", isError: true };
    },
  };
  return { tool, state };
}

forEachBackend("graceful shutdown", ({ database }) => {
  test("stop aborts the running turn; the restart tells the owner and runs nothing twice", async () => {
    const handle = await database();
    const slow = createSlowTool();
    const first = await startHostHarness(handle, { tools: [slow.tool] });
    open.push(first);
    const events: AgentEvent[] = [];
    first.host.bus.subscribe((event) => void events.push(event));
    first.llmServer.enqueue({ toolCalls: [{ id: "s1", name: "slow", arguments: "{}" }] });
    await first.channel.deliver("index my notes");
    while (slow.state.started < 1) await Bun.sleep(5);

    await first.host.stop(50);
    await first.host.queue.drain();
    expect(slow.state.aborted).toBe(1);
    const [stopped] = await handle.db.select().from(turns);
    expect(stopped?.status).toBe("interrupted");
    expect(events.at(-1)).toMatchObject({ type: "turn-cancelled", reason: "shutdown" });
    expect(first.channel.texts()).toEqual([]);

    const second = await startHostHarness(handle, { tools: [slow.tool], channel: new MemoryChannel() });
    open.push(second);
    await second.channel.waitFor(() => second.channel.sent.length >= 1);
    expect(second.channel.texts()).toEqual([
      "I was restarted while working on “index my notes”. Please send it again if you still need it.",
    ]);
    const [closed] = await handle.db.select().from(turns);
    expect(closed?.status).toBe("interrupted");
    expect(closed?.finishedAt).toBeInstanceOf(Date);
    expect(slow.state.started).toBe(1);
    expect(second.llmServer.requests).toHaveLength(0);
  });

  test("a message that arrives while stopping starts no turn; the restart answers it", async () => {
    const handle = await database();
    const first = await startHostHarness(handle);
    open.push(first);
    await first.host.agent.stop(50);
    await first.channel.deliver("are you there?");
    await first.host.queue.drain();
    expect(await handle.db.select().from(turns)).toEqual([]);
    expect(first.llmServer.requests).toHaveLength(0);

    const second = await startHostHarness(handle, {
      channel: new MemoryChannel(),
      script: [{ text: "Yes, back now." }],
    });
    open.push(second);
    await second.channel.waitFor(() => second.channel.texts().includes("Yes, back now."));
    await second.host.queue.drain();
    const [turn] = await handle.db.select().from(turns);
    expect(turn?.status).toBe("completed");
  });

  test("a turn that finishes within the grace period is answered, not interrupted", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle);
    open.push(harness);
    harness.llmServer.enqueue({ text: "All done." });
    await harness.channel.deliver("quick one");
    await harness.host.stop(10_000);
    expect(harness.channel.texts()).toEqual(["All done."]);
    const [turn] = await handle.db.select().from(turns);
    expect(turn?.status).toBe("completed");
  });
});
