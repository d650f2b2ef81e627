/**
 * The host's notice for a press goes back to the channel that emitted it: `on-action-result`
 * runs once per press the host decided, with the host's own notice, after the press — never for
 * a press refused before the host saw it (a forged sender) or a replay of one already decided —
 * and a failing one is counted in health without undoing the press or stopping the polls.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { ApprovalAction } from "../../../../src/plugin/channel.ts";
import {
  type ChannelTestKit,
  channelArtifact,
  createChannelTestKit,
  createRecordingHost,
  eventually,
  quickBackOff,
} from "./support.ts";

let kit: ChannelTestKit;
beforeEach(() => {
  kit = createChannelTestKit({}, { backOff: quickBackOff });
});
afterEach(() => kit.close());

/** A host deciding like the approval service: only alice may decide, and only once. */
async function pressing(name: string, modes: Record<string, string> = {}) {
  for (const [callback, mode] of Object.entries(modes)) kit.state.values(name).set(`mode:${callback}`, mode);
  const channel = await kit.runtime.load(await channelArtifact(name), kit.bindings());
  const recorded = createRecordingHost(kit.log);
  const decided = new Set<string>();
  recorded.host.onAction = async (action: ApprovalAction) => {
    recorded.actions.push(action);
    if (action.senderId !== "alice") return { ok: false, notice: "Only the owner can decide this." };
    if (decided.has(action.approvalId)) return { ok: false, notice: "This was already decided: approved." };
    decided.add(action.approvalId);
    return { ok: true, notice: "Approved: deploy" };
  };
  const state = kit.state.values(name);
  const results = () => JSON.parse(state.get("action-results") ?? "[]") as Record<string, string>[];
  return { channel, ...recorded, state, results };
}

const press = (id: string, from: string) => ({
  id,
  chat: "room",
  from,
  approvalId: "a-1",
  decision: "approve",
});

describe("wasm channel action results", () => {
  test("each decided press gets the host's notice, in order, with its ids", async () => {
    const { channel, host, results } = await pressing("notices");
    kit.platform.say(press("press-stranger", "stranger"));
    kit.platform.say(press("press-owner", "alice"));
    kit.platform.say(press("press-again", "alice"));
    await channel.start(host);
    await eventually(() => results().length === 3);
    expect(results()).toEqual([
      {
        actionId: "press-stranger",
        chatId: "room",
        senderId: "stranger",
        notice: "Only the owner can decide this.",
      },
      { actionId: "press-owner", chatId: "room", senderId: "alice", notice: "Approved: deploy" },
      {
        actionId: "press-again",
        chatId: "room",
        senderId: "alice",
        notice: "This was already decided: approved.",
      },
    ]);
    expect(channel.health?.()).toEqual({ ok: true });
    await channel.stop();
  }, 60_000);

  test("no notice for a press refused before the host decided, nor for a replayed press", async () => {
    const { channel, host, actions, state, results } = await pressing("refused", {
      "on-poll": "forge-press",
    });
    kit.platform.say(press("press-owner", "alice"));
    await channel.start(host);
    await eventually(() => results().length === 1);
    expect(state.get("forge-press-result")).toContain("refused");
    kit.platform.say(press("press-owner", "alice")); // the platform redelivers the same press
    await eventually(() => state.get("cursor") === "2");
    // Notices are handed over in order: had the replay or the forgery earned one, it came first.
    kit.platform.say(press("press-late", "alice"));
    await eventually(() => results().length === 2);
    expect(actions.map((action) => action.senderId)).toEqual(["alice", "alice"]); // no forgery
    expect(results().map((result) => result.actionId)).toEqual(["press-owner", "press-late"]);
    await channel.stop();
  }, 60_000);

  test("a failing on-action-result is counted in health and never undoes the press", async () => {
    const { channel, host, actions, messages, state } = await pressing("broken", {
      "on-action-result": "fail",
    });
    for (const id of ["p1", "p2", "p3"]) kit.platform.say({ ...press(id, "alice"), approvalId: id });
    await channel.start(host);
    await eventually(() => channel.health?.().ok === false);
    expect(channel.health?.().detail).toContain("on-action-result failed 3 times: it answered an error");
    expect(actions.map((action) => action.approvalId)).toEqual(["p1", "p2", "p3"]);
    expect(state.get("action-results")).toBeUndefined();
    expect(kit.lines.some((line) => line.message.includes("on-action-result failed"))).toBe(true);
    // The polls go on: a later message still arrives.
    kit.platform.say({ id: "later", chat: "room", from: "alice", text: "still here" });
    await eventually(() => messages.some((message) => message.messageId === "later"));
    await channel.stop();
  }, 60_000);
});
