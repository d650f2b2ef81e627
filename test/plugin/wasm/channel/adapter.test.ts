/**
 * The Channel a WASM guest becomes: a send retried once with the same delivery id when the
 * platform asks to slow down, edit and approval buttons only when on-start said so, approvals
 * settled by editing the prompt, typing as on-status, a guest that keeps failing refused (backed
 * off) without running, and `stop()` cancelling a long-poll in flight.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { Channel } from "../../../../src/plugin/channel.ts";
import {
  type ChannelTestKit,
  channelArtifact,
  createChannelTestKit,
  createRecordingHost,
  eventually,
  platformBase,
  quickBackOff,
} from "./support.ts";

let kit: ChannelTestKit | undefined;
afterEach(() => kit?.close());

async function started(
  config: Record<string, unknown>,
  options: { polling?: boolean; backOff?: typeof quickBackOff; modes?: Record<string, string> } = {},
) {
  kit = createChannelTestKit({}, { backOff: options.backOff ?? quickBackOff });
  for (const [callback, mode] of Object.entries(options.modes ?? {})) {
    kit.state.values("adapted").set(`mode:${callback}`, mode);
  }
  const artifact = await channelArtifact("adapted", {
    config: { base: platformBase, ...config },
    ...(options.polling ? { polling: { minIntervalMs: 1_000, timeoutMs: 30_000 } } : { polling: undefined }),
  });
  const channel: Channel = await kit.runtime.load(artifact, kit.bindings());
  const before = { edit: channel.edit, askApproval: channel.askApproval };
  await channel.start(createRecordingHost(kit.log).host);
  return { channel, before, kit, state: kit.state.values("adapted") };
}

const prompt = {
  approvalId: "ap-1",
  tool: "http_request",
  summary: "GET https://example.com",
  allowAlways: true,
  expiresAt: new Date(1_800_000_000_000),
};

describe("wasm channel adapter", () => {
  test("a send the platform slows down is retried once with the same delivery id", async () => {
    const { channel, kit } = await started({});
    kit.platform.control.slowDownSends = 1;
    expect(await channel.send({ chatId: "room" }, { text: "hello" })).toEqual({
      chatId: "room",
      messageId: "sent-1",
    });
    const sends = kit.platform.requests.filter((request) => request.path === "/send");
    expect(sends.length).toBe(2);
    expect(sends[0]?.body.deliveryId).toBe(sends[1]?.body.deliveryId as string);
    await channel.send({ chatId: "room" }, { text: "again" });
    const third = kit.platform.requests.filter((request) => request.path === "/send")[2];
    expect(third?.body.deliveryId).not.toBe(sends[0]?.body.deliveryId as string);
  }, 60_000);

  test("without can-edit / can-approve the host's fallbacks are used", async () => {
    const { channel, before } = await started({});
    expect(before).toEqual({ edit: undefined, askApproval: undefined });
    expect(channel.edit).toBeUndefined();
    expect(channel.askApproval).toBeUndefined();
    expect(channel.settleApproval).toBeUndefined();
  }, 60_000);

  test("with can-edit and can-approve: edits, approval prompts and their settlement go to the guest", async () => {
    const { channel, before, kit } = await started({ canEdit: true, canApprove: true });
    expect(before.edit).toBeUndefined(); // known only once on-start answered
    const ref = await channel.send({ chatId: "room" }, { text: "draft" });
    await channel.edit?.(ref, { text: "final" });
    const asked = await channel.askApproval?.({ chatId: "room" }, prompt);
    expect(asked).toEqual({ chatId: "room", messageId: "sent-2" });
    await channel.settleApproval?.(asked as { chatId: string; messageId: string }, "approved", prompt);
    await channel.setTyping?.({ chatId: "room" });
    const paths = kit.platform.requests.map((request) => [request.path, request.body]);
    expect(paths).toContainEqual(["/edit", { chatId: "room", messageId: "sent-1", text: "final" }]);
    expect(paths).toContainEqual([
      "/approval",
      {
        chatId: "room",
        approvalId: "ap-1",
        tool: "http_request",
        allowAlways: true,
        expiresAtMillis: "1800000000000",
      },
    ]);
    expect(paths).toContainEqual([
      "/edit",
      { chatId: "room", messageId: "sent-2", text: "Approved: http_request\nGET https://example.com" },
    ]);
    expect(paths).toContainEqual(["/typing", { chatId: "room", status: "thinking" }]);
  }, 60_000);

  test("a callback that keeps failing is refused without running until its back-off passes", async () => {
    const { channel, kit, state } = await started({}, { backOff: { ...quickBackOff, capMs: 60_000 } });
    state.set("mode:on-respond", "fail");
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(channel.send({ chatId: "room" }, { text: "x" })).rejects.toThrow(/the platform said no/);
    }
    expect(channel.health?.()).toEqual({
      ok: false,
      detail: "on-respond failed 5 times: it answered an error: the platform said no",
    });
    state.delete("mode:on-respond");
    await expect(channel.send({ chatId: "room" }, { text: "x" })).rejects.toThrow(/backing off/);
    expect(kit.platform.requests.filter((request) => request.path === "/send")).toEqual([]);
  }, 60_000);

  test("a poll that keeps crashing is backed off and its health says why", async () => {
    const { channel } = await started({ pollIntervalMs: 0 }, { polling: true, modes: { "on-poll": "trap" } });
    await eventually(() => channel.health?.().ok === false, 20_000);
    expect(channel.health?.().detail).toMatch(/^on-poll failed \d+ times: the channel crashed/);
  }, 60_000);

  test("a poll answering retry-after waits that long before the next poll", async () => {
    // on-poll answers a channel-failure with retry-after-ms 4000.
    const { channel, kit } = await started(
      { pollIntervalMs: 0 },
      { polling: true, modes: { "on-poll": "retry-later" } },
    );
    const polls = () => kit.platform.requests.filter((request) => request.path === "/updates").length;
    await eventually(() => polls() >= 1);
    const first = polls();
    await Bun.sleep(2_500); // without the retry-after, the 1 s interval would have polled twice more
    expect(polls()).toBe(first);
    await channel.stop();
  }, 60_000);

  test("stop() cancels a long-poll in flight and ends polling", async () => {
    const { channel, kit } = await started({ pollIntervalMs: 1_000 }, { polling: true });
    kit.platform.control.hangUpdates = true;
    await eventually(() => kit.platform.requests.some((request) => request.path === "/updates"));
    await channel.stop();
    expect(kit.platform.control.aborted).toBe(1);
    const polls = kit.platform.requests.filter((request) => request.path === "/updates").length;
    await Bun.sleep(1_500);
    expect(kit.platform.requests.filter((request) => request.path === "/updates").length).toBe(polls);
  }, 60_000);
});
