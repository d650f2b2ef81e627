/**
 * What a guest emits: delivered in order and only when the callback succeeds, state applied
 * after the emits, refused when the sender never appeared in what the platform sent (a guest
 * cannot invent a message from the owner), when malformed, or beyond the caps per callback and
 * per minute — each refusal reaching the guest as the emit's error and the channel's health.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { InboundMessage } from "../../../../src/plugin/channel.ts";
import {
  type ChannelManifestOverrides,
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

async function polling(
  name: string,
  modes: Record<string, string> = {},
  overrides: ChannelManifestOverrides = {},
) {
  for (const [callback, mode] of Object.entries(modes)) kit.state.values(name).set(`mode:${callback}`, mode);
  const channel = await kit.runtime.load(await channelArtifact(name, overrides), kit.bindings());
  const recorded = createRecordingHost(kit.log);
  return { channel, ...recorded, state: kit.state.values(name) };
}

describe("wasm channel emits", () => {
  test("emits arrive in order, before the callback's state is applied", async () => {
    const { channel, host, messages, state } = await polling("ordered");
    const cursorsAtDelivery: (string | undefined)[] = [];
    const onMessage = host.onMessage;
    host.onMessage = async (message: InboundMessage) => {
      cursorsAtDelivery.push(state.get("cursor"));
      await onMessage(message);
    };
    for (const id of ["a", "b", "c"])
      kit.platform.say({ id, chat: "room", from: "alice", text: `text ${id}` });
    await channel.start(host);
    await eventually(() => state.get("cursor") === "3");
    expect(messages.map((message) => message.messageId)).toEqual(["a", "b", "c"]);
    expect(cursorsAtDelivery).toEqual([undefined, undefined, undefined]);
    await channel.stop();
  }, 60_000);

  test("a host that cannot take an emit keeps the cursor: the platform's message comes again", async () => {
    const { channel, host, state } = await polling("unlucky");
    let refuse = true;
    const delivered: string[] = [];
    host.onMessage = async (message) => {
      if (refuse) throw new Error("the database is away");
      delivered.push(message.messageId ?? "");
    };
    kit.platform.say({ id: "kept", chat: "room", from: "alice", text: "do not lose me" });
    await channel.start(host);
    await eventually(() =>
      kit.lines.some((line) => line.message.includes("emits or state could not be saved")),
    );
    expect(state.get("cursor")).toBeUndefined();
    expect(channel.health?.()).toEqual({ ok: true }); // one failure is not yet unhealthy
    refuse = false;
    kit.platform.say({ id: "kept", chat: "room", from: "alice", text: "do not lose me" }); // the redelivery
    await eventually(() => delivered.length === 1);
    expect(delivered).toEqual(["kept"]);
    await channel.stop();
  }, 60_000);

  test("a callback that fails after emitting delivers nothing and writes nothing", async () => {
    const { channel, host, messages, state } = await polling("failing", { "after-emit": "fail" });
    kit.platform.say({ id: "lost", chat: "room", from: "alice", text: "never delivered" });
    await channel.start(host);
    await eventually(
      () => kit.platform.requests.filter((request) => request.path === "/updates").length >= 2,
    );
    expect(messages).toEqual([]);
    expect(state.get("cursor")).toBeUndefined();
    expect(state.get("runs:on-poll")).toBeUndefined();
    await channel.stop();
  }, 60_000);

  test("a sender the platform never mentioned is refused: no message from the owner out of thin air", async () => {
    const { channel, host, messages, state } = await polling("forger", { "on-poll": "forge" });
    await channel.start(host);
    await eventually(() => state.get("forge-result") !== undefined);
    expect(state.get("forge-result")).toBe(
      "refused: sender owner-1 does not appear in anything the platform sent this callback",
    );
    await eventually(() => channel.health?.().ok === false);
    expect(channel.health?.().detail).toContain("on-poll failed");
    expect(channel.health?.().detail).toContain("sender owner-1 does not appear");
    expect(messages).toEqual([]);
    await channel.stop();
  }, 60_000);

  test("malformed records are refused with the reason", async () => {
    const { channel, host, messages, state } = await polling("sloppy", { "on-poll": "malformed" });
    kit.platform.say({ id: "real", chat: "room", from: "x", text: "the sender x appears" });
    await channel.start(host);
    await eventually(() => state.get("malformed-results") !== undefined);
    expect(JSON.parse(state.get("malformed-results") as string)).toEqual([
      "refused: malformed message: messageId must be a non-empty string",
      "refused: malformed message: text is 40000 characters, above the cap of 32768",
    ]);
    expect(messages.map((message) => message.messageId)).toEqual(["real"]);
    await channel.stop();
  }, 60_000);

  test("a flood is capped per callback: nothing beyond the cap is delivered", async () => {
    const { channel, host, messages, state } = await polling(
      "flooder",
      { "on-poll": "flood" },
      { emits: { perCallback: 20, perMinute: 1_000 } },
    );
    kit.platform.say({ id: "seed", chat: "room", from: "flooder", text: "names the flooder" });
    await channel.start(host);
    await eventually(() => state.get("flood-accepted") !== undefined);
    expect(state.get("flood-accepted")).toBe("20");
    expect(JSON.parse(state.get("flood-results") as string)[0]).toBe(
      "refused: over the limit of 20 emits per callback",
    );
    await channel.stop();
    expect(messages.length).toBe(20);
    expect(messages.every((message) => message.messageId?.startsWith("flood-"))).toBe(true);
  }, 60_000);

  test("the per-minute cap holds across callbacks", async () => {
    const { channel, host, messages, state } = await polling(
      "chatty",
      {},
      { emits: { perCallback: 20, perMinute: 3 } },
    );
    for (const id of ["1", "2"]) kit.platform.say({ id, chat: "room", from: "alice", text: id });
    await channel.start(host);
    await eventually(() => messages.length === 2);
    for (const id of ["3", "4"]) kit.platform.say({ id, chat: "room", from: "alice", text: id });
    await eventually(() => state.get("cursor") === "4");
    expect(messages.map((message) => message.messageId)).toEqual(["1", "2", "3"]);
    expect(JSON.parse(state.get("poll-results") as string)).toEqual([
      "ok",
      "refused: over the limit of 3 emits per minute",
    ]);
    await channel.stop();
  }, 60_000);

  test("a record claiming another channel is stamped with the registered id", async () => {
    const { channel, host, messages, state } = await polling("honest", { "on-poll": "claim" });
    kit.platform.say({ id: "seed", chat: "room", from: "alice", text: "alice appears" });
    await channel.start(host);
    await eventually(() => state.get("claim-result") !== undefined && messages.length > 0);
    expect(messages.every((message) => message.channel === "honest")).toBe(true);
    await channel.stop();
  }, 60_000);
});
