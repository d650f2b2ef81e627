/**
 * Containment of hostile channel guests: a callback that loops forever is stopped at its
 * deadline (and the next one works), a memory bomb hits the cap, a trap or a slow webhook costs
 * only that request (504 at the deadline) while another channel and the gateway keep answering,
 * a huge state value is refused, a reserved name cannot be loaded, and every instance is fresh.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { startGateway } from "../../../../src/gateway/server.ts";
import { silentLogger } from "../../../../src/log.ts";
import type { Channel } from "../../../../src/plugin/channel.ts";
import type { WebhookVerification } from "../../../../src/plugin/wasm/contract.ts";
import {
  type ChannelTestKit,
  channelArtifact,
  createChannelTestKit,
  createRecordingHost,
  eventually,
  platformBase,
  quickBackOff,
} from "./support.ts";

let kit: ChannelTestKit;
beforeEach(() => {
  kit = createChannelTestKit({ hook_secret: "s3cret" }, { backOff: quickBackOff });
});
afterEach(() => kit.close());

const verification: WebhookVerification = {
  type: "shared-secret",
  header: "x-hook-token",
  secret: "hook_secret",
};

async function startedChannel(name: string, modes: Record<string, string>, polling = false, timeoutMs = 800) {
  for (const [callback, mode] of Object.entries(modes)) kit.state.values(name).set(`mode:${callback}`, mode);
  const artifact = await channelArtifact(name, {
    limits: { timeoutMs },
    polling: polling ? { minIntervalMs: 1_000, timeoutMs } : undefined,
    webhook: { verification },
    config: {
      base: platformBase,
      pollIntervalMs: polling ? 1_000 : undefined,
      webhooks: [{ path: "/events", methods: [] }],
    },
  });
  const channel = await kit.runtime.load(artifact, kit.bindings());
  const recorded = createRecordingHost(kit.log);
  await channel.start(recorded.host);
  return { channel, ...recorded, state: kit.state.values(name) };
}

describe("wasm channel containment", () => {
  test("a poll that loops forever is stopped at its deadline, backed off and reported; sends still work", async () => {
    const { channel, messages, state } = await startedChannel("looper", { "on-poll": "loop" }, true);
    await eventually(() => channel.health?.().ok === false, 20_000);
    expect(channel.health?.().detail).toMatch(
      /^on-poll failed \d+ times: the channel ran out of time after 800 ms/,
    );
    // The callback lane is separate: a send does not wait for the looping poll.
    expect(await channel.send({ chatId: "room" }, { text: "still here" })).toEqual({
      chatId: "room",
      messageId: "sent-1",
    });
    // The guest is fixed (the mode cleared): the next poll works, health recovers.
    state.delete("mode:on-poll");
    kit.platform.say({ id: "after", chat: "room", from: "alice", text: "back" });
    await eventually(() => messages.length === 1, 20_000);
    await eventually(() => channel.health?.().ok === true);
    await channel.stop();
  }, 60_000);

  test("a memory bomb in on-respond is capped; the next send works", async () => {
    // A deadline long enough for the cap to be what stops it, even on a busy machine.
    const { channel, state } = await startedChannel("bomber", { "on-respond": "memory" }, false, 30_000);
    await expect(channel.send({ chatId: "room" }, { text: "boom" })).rejects.toThrow(
      /out of memory \(its cap is 64 MiB\)/,
    );
    state.delete("mode:on-respond");
    expect(await channel.send({ chatId: "room" }, { text: "fine" })).toMatchObject({ chatId: "room" });
    await channel.stop();
  }, 60_000);

  test("a guest that traps (a wrong result type, an unliftable throw) is refused; the host carries on", async () => {
    const { channel, state } = await startedChannel("trapper", { "on-respond": "wrong-type" });
    await expect(channel.send({ chatId: "room" }, { text: "x" })).rejects.toThrow(/the channel crashed/);
    state.set("mode:on-respond", "trap");
    await expect(channel.send({ chatId: "room" }, { text: "x" })).rejects.toThrow(/on-respond failed/);
    expect(state.get("trapped")).toBeUndefined(); // its state write was dropped with it
    state.delete("mode:on-respond");
    expect(await channel.send({ chatId: "room" }, { text: "y" })).toMatchObject({ chatId: "room" });
    await channel.stop();
  }, 60_000);

  test("a slow webhook gets a 504 at its deadline while another channel and the gateway keep answering", async () => {
    const slow = await startedChannel("slow", { "on-http-request": "loop" });
    const quick = await startedChannel("quick", {});
    const channels = new Map<string, Channel>([
      ["slow", slow.channel],
      ["quick", quick.channel],
    ]);
    const gateway = startGateway({
      host: "127.0.0.1",
      port: 0,
      log: silentLogger,
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [
        async (request, url) => {
          const match = /^\/channels\/([a-z0-9_-]+)(\/.*)?$/.exec(url.pathname);
          const channel = match ? channels.get(match[1] as string) : undefined;
          return channel?.handleHttp?.(request, match?.[2] ?? "/");
        },
      ],
    });
    try {
      const hook = (name: string) =>
        fetch(`${gateway.url}/channels/${name}/events`, {
          method: "POST",
          headers: { "x-hook-token": "s3cret" },
          body: JSON.stringify({ id: `${name}-1`, chat: "room", from: "alice", text: "hi" }),
        });
      const slowResponse = hook("slow");
      await Bun.sleep(100); // the slow guest is now looping
      const quickResponse = await hook("quick");
      expect(quickResponse.status).toBe(200);
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      expect((await slowResponse).status).toBe(504);
      expect(slow.messages).toEqual([]);
      expect(quick.messages.map((message) => message.messageId)).toEqual(["quick-1"]);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  test("an on-start that loops fails the start at its deadline (the host contains it)", async () => {
    kit.state.values("stuck").set("mode:on-start", "loop");
    const channel = await kit.runtime.load(
      await channelArtifact("stuck", { limits: { timeoutMs: 500 } }),
      kit.bindings(),
    );
    await expect(channel.start(createRecordingHost(kit.log).host)).rejects.toThrow(
      "channel stuck: on-start failed: the channel ran out of time after 500 ms",
    );
    expect(
      await channel.handleHttp?.(new Request("http://gateway.test/channels/stuck/events"), "/events"),
    ).toBeUndefined();
    await expect(channel.send({ chatId: "room" }, { text: "x" })).rejects.toThrow(/not running/);
    await channel.stop();
  }, 60_000);

  test("a huge state value is refused and nothing of it is stored", async () => {
    const { channel, state } = await startedChannel("hoarder", { "on-poll": "huge-state" }, true);
    await eventually(() => state.get("huge-result") !== undefined);
    expect(state.get("huge-result")).toBe("refused: a value of 100000 characters is above the cap of 65536");
    expect(state.has("big")).toBe(false);
    await channel.stop();
  }, 60_000);

  test("every callback runs on a fresh instance", async () => {
    const { channel, state } = await startedChannel("fresh", {});
    for (let round = 0; round < 3; round++) await channel.setTyping?.({ chatId: "room" });
    expect(state.get("runs:on-start")).toBe("1");
    expect(state.get("status-calls-on-this-instance")).toBe("1");
    expect(kit.platform.requests.filter((request) => request.path === "/typing").length).toBe(3);
    await channel.stop();
  }, 60_000);

  test("a reserved name, or a name other than the artifact's, is not loaded", async () => {
    for (const name of ["terminal", "api", "routine"]) {
      await expect(kit.runtime.load(await channelArtifact(name), kit.bindings())).rejects.toThrow(/reserved/);
    }
    const artifact = await channelArtifact("mine");
    await expect(
      kit.runtime.load(
        { ...artifact, manifest: { ...artifact.manifest, name: "telegram-ish" } },
        kit.bindings(),
      ),
    ).rejects.toThrow(/does not match/);
  }, 60_000);

  test("a component that does not match its hash is refused before anything runs", async () => {
    const artifact = await channelArtifact("swapped");
    const tampered = new Uint8Array(artifact.component);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 1;
    await expect(kit.runtime.load({ ...artifact, component: tampered }, kit.bindings())).rejects.toThrow(
      /does not match its SHA-256/,
    );
  }, 60_000);
});
