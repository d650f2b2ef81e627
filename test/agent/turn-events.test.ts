/**
 * The event union as a subscriber sees it: a turn that pauses for approval, is approved and
 * completes, and a turn the owner cancels, each announce their steps in order; the recorder
 * persists the waiting call from the approval request.
 */
import { afterEach, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/agent/events.ts";
import { approvals, toolCalls } from "../../src/db/schema/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { createGateTool, createRiskyTool } from "./tools-fixtures.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

/** Every event but the streamed text, in the order the bus delivered them. */
function recordEvents(harness: Harness): AgentEvent[] {
  const events: AgentEvent[] = [];
  harness.host.bus.subscribe((event) => {
    if (event.type !== "text-delta") events.push(event);
  });
  return events;
}

forEachBackend("turn events", ({ database }) => {
  test("pause, approval and completion are announced in order", async () => {
    const handle = await database();
    const runs: string[] = [];
    const harness = await startHostHarness(handle, { tools: [createRiskyTool(runs)] });
    open.push(harness);
    const events = recordEvents(harness);
    harness.llmServer.enqueue({
      toolCalls: [{ id: "d1", name: "deploy", arguments: '{"target":"prod"}' }],
    });
    await harness.channel.deliver("deploy prod");
    await harness.channel.waitFor(() => harness.channel.sent.some((message) => message.prompt));
    const [approval] = await handle.db.select().from(approvals);
    const approvalId = approval?.id as string;
    const callStatus = async () => (await handle.db.select().from(toolCalls))[0]?.status;
    expect(await callStatus()).toBe("awaiting_approval");

    harness.llmServer.enqueue({ text: "Deployed prod." });
    expect((await harness.channel.press(approvalId, "approve")).ok).toBe(true);
    await harness.channel.waitFor(() => harness.channel.texts().includes("Deployed prod."));
    await harness.host.queue.drain();

    expect(events.map((event) => event.type)).toEqual([
      "turn-start",
      "llm-call",
      "tool-call",
      "approval-requested",
      "turn-paused",
      "approval-decided",
      "tool-result",
      "llm-call",
      "turn-end",
    ]);
    const turnId = events[0]?.turnId;
    expect(events.every((event) => event.turnId === turnId)).toBe(true);
    expect(events.find((event) => event.type === "approval-requested")).toMatchObject({
      approvalId,
      call: { id: "d1", name: "deploy" },
    });
    expect(events.find((event) => event.type === "turn-paused")).toMatchObject({ approvalIds: [approvalId] });
    expect(events.find((event) => event.type === "approval-decided")).toMatchObject({
      approvalId,
      tool: "deploy",
      outcome: "approved",
      decidedBy: "owner-1",
      decidedVia: "memory",
    });
    expect(runs).toEqual(["prod"]);
    expect(await callStatus()).toBe("succeeded");
  });

  test("an expired approval is announced as decided by the timeout", async () => {
    const handle = await database();
    let now = new Date("2026-01-01T10:00:00Z");
    const harness = await startHostHarness(handle, {
      tools: [createRiskyTool()],
      overrides: { now: () => now },
    });
    open.push(harness);
    const events = recordEvents(harness);
    harness.llmServer.enqueue({
      toolCalls: [{ id: "d1", name: "deploy", arguments: '{"target":"prod"}' }],
    });
    await harness.channel.deliver("deploy prod");
    await harness.channel.waitFor(() => harness.channel.sent.some((message) => message.prompt));
    harness.llmServer.enqueue({ text: "It expired, so I did not deploy." });
    now = new Date(now.getTime() + harness.config.approvalTimeoutMs + 1);
    expect(await harness.host.approvals.expireDue()).toBe(1);
    await harness.channel.waitFor(() => harness.channel.texts().includes("It expired, so I did not deploy."));
    expect(events.find((event) => event.type === "approval-decided")).toMatchObject({
      outcome: "expired",
      decidedBy: "timeout",
      decidedVia: "timeout",
    });
  });

  test("a cancelled turn ends with turn-cancelled, not turn-error", async () => {
    const handle = await database();
    const gate = createGateTool();
    const harness = await startHostHarness(handle, { tools: [gate.tool] });
    open.push(harness);
    const events = recordEvents(harness);
    harness.llmServer.enqueue({ toolCalls: [{ id: "w", name: "wait", arguments: "{}" }] });
    await harness.channel.deliver("long job");
    while (gate.state.started < 1) await Bun.sleep(5);
    await harness.channel.deliver("/cancel");
    await harness.host.queue.drain();

    expect(events.map((event) => event.type)).toEqual([
      "turn-start",
      "llm-call",
      "tool-call",
      "tool-result",
      "turn-cancelled",
    ]);
    expect(events.at(-1)).toMatchObject({ type: "turn-cancelled", reason: "owner" });
  });
});
