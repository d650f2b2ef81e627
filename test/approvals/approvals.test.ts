import { afterEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { getToolChoice } from "../../src/approvals/policy.ts";
import { approvals, turns } from "../../src/db/schema/index.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

function deployTool(runs: string[], approval: Tool["approval"] = "unless-auto-approved"): Tool {
  return {
    name: "deploy",
    description: "Deploys a service",
    risk: "exec",
    approval,
    parameters: {
      type: "object",
      properties: { target: { type: "string" }, token: { type: "string" } },
      required: ["target"],
      additionalProperties: false,
    },
    execute: async (params) => {
      runs.push(String(params.target));
      return { content: `deployed ${String(params.target)}` };
    },
  };
}

const callDeploy = (target: string, id = "d1") => ({
  toolCalls: [
    { id, name: "deploy", arguments: JSON.stringify({ target, token: "sk-live-abcdefghijklmnop" }) },
  ],
});

async function pausedHarness(
  database: () => Promise<import("../../src/db/client.ts").DatabaseHandle>,
  options: { approval?: Tool["approval"]; channel?: MemoryChannel } = {},
) {
  const runs: string[] = [];
  let now = new Date("2026-01-01T10:00:00Z");
  const handle = await database();
  const harness = await startHostHarness(handle, {
    tools: [deployTool(runs, options.approval)],
    channel: options.channel,
    overrides: { now: () => now },
  });
  open.push(harness);
  harness.llmServer.enqueue(callDeploy("prod"));
  await harness.channel.deliver("deploy prod");
  await harness.channel.waitFor(() =>
    harness.channel.sent.some((message) => message.prompt || message.text.startsWith("Approval needed")),
  );
  const [row] = await handle.db.select().from(approvals);
  return {
    ...harness,
    handle,
    runs,
    approvalId: row?.id as string,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

forEachBackend("approvals", ({ database }) => {
  test("a risky call waits with buttons; approve runs the stored call and the turn completes", async () => {
    const h = await pausedHarness(database);
    const prompt = h.channel.sent[0]?.prompt;
    expect(prompt?.tool).toBe("deploy");
    expect(prompt?.summary).toContain('"target":"prod"');
    expect(prompt?.summary).not.toContain("sk-live");
    expect(h.runs).toEqual([]);
    const [turn] = await h.handle.db.select().from(turns);
    expect(turn?.status).toBe("awaiting_approval");

    h.llmServer.enqueue({ text: "Deployed prod." });
    const result = await h.channel.press(h.approvalId, "approve");
    expect(result).toEqual({ ok: true, notice: "Approved: deploy" });
    await h.channel.waitFor(() => h.channel.texts().includes("Deployed prod."));
    expect(h.runs).toEqual(["prod"]);
    expect(h.channel.sent[0]?.outcome).toBe("approved");
    const tools = sentMessages(h.llmServer.requests[1]).filter((m) => m.role === "tool");
    expect(tools.map((m) => m.content)).toEqual(["deployed prod"]);
    const [row] = await h.handle.db.select().from(approvals);
    expect(row).toMatchObject({
      status: "approved",
      decision: "approve",
      decidedBy: "owner-1",
      decidedVia: "memory",
    });
    await h.host.queue.drain();
    expect((await h.handle.db.select().from(turns))[0]?.status).toBe("completed");
  });

  test("always persists the choice: the next call runs without asking", async () => {
    const h = await pausedHarness(database);
    h.llmServer.enqueue({ text: "done once" });
    expect((await h.channel.press(h.approvalId, "always")).ok).toBe(true);
    await h.channel.waitFor(() => h.channel.texts().includes("done once"));
    expect(await getToolChoice(h.handle.db, "deploy")).toBe("always-allow");
    h.llmServer.enqueue(callDeploy("staging", "d2"), { text: "done twice" });
    await h.channel.deliver("deploy staging");
    await h.channel.waitFor(() => h.channel.texts().includes("done twice"));
    expect(h.runs).toEqual(["prod", "staging"]);
    expect(await h.handle.db.select().from(approvals)).toHaveLength(1);
  });

  test("a risky call whose arguments hold NUL can still be approved and runs once", async () => {
    const runs: string[] = [];
    const handle = await database();
    const harness = await startHostHarness(handle, { tools: [deployTool(runs)] });
    open.push(harness);
    harness.llmServer.enqueue({
      toolCalls: [{ id: "n1", name: "deploy", arguments: '{"target":"pr\\u0000od"}' }],
    });
    await harness.channel.deliver("deploy it");
    await harness.channel.waitFor(() => harness.channel.sent.some((message) => message.prompt));
    const [row] = await handle.db.select().from(approvals);
    harness.llmServer.enqueue({ text: "Deployed." });
    expect(await harness.channel.press(row?.id as string, "approve")).toEqual({
      ok: true,
      notice: "Approved: deploy",
    });
    await harness.channel.waitFor(() => harness.channel.texts().includes("Deployed."));
    // Runs once: with the NUL (resumed in memory) or cleaned (resumed from the database).
    expect(runs.map((target) => target.replace("\u0000", "\uFFFD"))).toEqual(["pr\uFFFDod"]);
    await harness.host.queue.drain();
    expect((await handle.db.select().from(turns))[0]?.status).toBe("completed");
  });

  test("always is not offered for always-tier tools and is refused if pressed anyway", async () => {
    const h = await pausedHarness(database, { approval: "always" });
    expect(h.channel.sent[0]?.prompt?.allowAlways).toBe(false);
    const result = await h.channel.press(h.approvalId, "always");
    expect(result.ok).toBe(false);
    expect(result.notice).toContain("must be approved every time");
    expect(h.runs).toEqual([]);
  });

  test("deny gives the model a denial result and the turn continues", async () => {
    const h = await pausedHarness(database);
    h.llmServer.enqueue({ text: "Okay, I did not deploy." });
    expect(await h.channel.press(h.approvalId, "deny")).toEqual({ ok: true, notice: "Denied: deploy" });
    await h.channel.waitFor(() => h.channel.texts().includes("Okay, I did not deploy."));
    expect(h.runs).toEqual([]);
    const tool = sentMessages(h.llmServer.requests[1]).find((m) => m.role === "tool");
    expect(tool?.content).toContain("The owner denied this tool call");
    expect(h.channel.sent[0]?.outcome).toBe("denied");
  });

  test("expiry counts as deny and the owner is told; a late press changes nothing", async () => {
    const h = await pausedHarness(database);
    h.advance(31 * 60_000);
    h.llmServer.enqueue({ text: "The approval expired, so nothing was deployed." });
    expect(await h.host.approvals.expireDue()).toBe(1);
    await h.channel.waitFor(() =>
      h.channel.texts().includes("The approval expired, so nothing was deployed."),
    );
    expect(h.channel.sent[0]?.outcome).toBe("expired");
    const tool = sentMessages(h.llmServer.requests[1]).find((m) => m.role === "tool");
    expect(tool?.content).toContain("expired without a decision");
    const late = await h.channel.press(h.approvalId, "approve");
    expect(late.ok).toBe(false);
    expect(late.notice).toContain("expired");
    expect(h.runs).toEqual([]);
  });

  test("a double press, a second device or a replay decides once and runs once", async () => {
    const h = await pausedHarness(database);
    h.llmServer.enqueue({ text: "Deployed once." });
    const results = await Promise.all([
      h.channel.press(h.approvalId, "approve"),
      h.channel.press(h.approvalId, "approve"),
      h.channel.press(h.approvalId, "deny"),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(
      results
        .filter((result) => !result.ok)
        .every((result) => result.notice.startsWith("This was already decided")),
    ).toBe(true);
    await h.channel.waitFor(() => h.channel.texts().includes("Deployed once."));
    const winner = results.findIndex((result) => result.ok);
    expect(h.runs).toEqual(winner === 2 ? [] : ["prod"]);
    const replay = await h.channel.press(h.approvalId, "approve");
    expect(replay.ok).toBe(false);
  });

  test("someone who is not the owner cannot decide", async () => {
    const h = await pausedHarness(database);
    const result = await h.channel.press(h.approvalId, "approve", "intruder");
    expect(result).toEqual({ ok: false, notice: "Only the owner can decide this." });
    const [row] = await h.handle.db.select().from(approvals);
    expect(row?.status).toBe("pending");
    expect(h.runs).toEqual([]);
  });

  test("a stored call that no longer matches its fingerprint is refused", async () => {
    const h = await pausedHarness(database);
    const [turn] = await h.handle.db.select().from(turns);
    const state = structuredClone(turn?.state) as { pending: { call: { arguments: string } }[] };
    (state.pending[0] as { call: { arguments: string } }).call.arguments = JSON.stringify({
      target: "everything",
    });
    await h.handle.db
      .update(turns)
      .set({ state })
      .where(eq(turns.id, turn?.id as string));
    const result = await h.channel.press(h.approvalId, "approve");
    expect(result.ok).toBe(false);
    expect(result.notice).toContain("no longer matches");
    expect(h.runs).toEqual([]);
    expect((await h.handle.db.select().from(approvals))[0]?.status).toBe("pending");
  });

  test("unknown ids get a clear answer", async () => {
    const h = await pausedHarness(database);
    expect(await h.channel.press("nosuchid00", "approve")).toEqual({
      ok: false,
      notice: "No approval with id nosuchid00.",
    });
  });

  test("channels without buttons get the text fallback, and /approve works", async () => {
    const h = await pausedHarness(database, { channel: new MemoryChannel("memory", false) });
    const fallback = h.channel.texts()[0] ?? "";
    expect(fallback).toContain(`/approve ${h.approvalId}`);
    expect(fallback).toContain(`/deny ${h.approvalId}`);
    h.llmServer.enqueue({ text: "Deployed via text." });
    await h.channel.deliver(`/approve ${h.approvalId}`);
    await h.channel.waitFor(() => h.channel.texts().includes("Deployed via text."));
    expect(h.channel.texts()).toContain("Approved: deploy.");
    expect(h.runs).toEqual(["prod"]);
    await h.channel.deliver(`/deny ${h.approvalId}`);
    expect(h.channel.texts().at(-1)).toBe("This was already decided: approved.");
  });

  test("a new message while a turn waits is answered; the waiting turn resumes after the decision", async () => {
    const h = await pausedHarness(database);
    h.llmServer.enqueue({ text: "It is sunny." });
    await h.channel.deliver("how is the weather?");
    await h.channel.waitFor(() => h.channel.texts().includes("It is sunny."));
    h.llmServer.enqueue({ text: "Deployed prod after all." });
    await h.channel.press(h.approvalId, "approve");
    await h.channel.waitFor(() => h.channel.texts().includes("Deployed prod after all."));
    expect(h.runs).toEqual(["prod"]);
  });

  test("several calls in one turn are decided one by one; the turn resumes after the last", async () => {
    const runs: string[] = [];
    const handle = await database();
    const harness = await startHostHarness(handle, { tools: [deployTool(runs)] });
    open.push(harness);
    harness.llmServer.enqueue({
      toolCalls: [
        { id: "a", name: "deploy", arguments: '{"target":"eu"}' },
        { id: "b", name: "deploy", arguments: '{"target":"us"}' },
      ],
    });
    await harness.channel.deliver("deploy both");
    await harness.channel.waitFor(
      () => harness.channel.sent.filter((message) => message.prompt).length === 2,
    );
    const [first, second] = harness.channel.sent.map((message) => message.prompt?.approvalId as string);
    await harness.channel.press(first as string, "approve");
    expect(runs).toEqual([]);
    expect(harness.llmServer.requests).toHaveLength(1);
    harness.llmServer.enqueue({ text: "Deployed eu, skipped us." });
    await harness.channel.press(second as string, "deny");
    await harness.channel.waitFor(() => harness.channel.texts().includes("Deployed eu, skipped us."));
    expect(runs).toEqual(["eu"]);
  });
});
