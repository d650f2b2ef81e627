/**
 * The host-side parts of a channel callback on their own (no guest): the scope's anti-forgery
 * check (also for presses, and for ids the platform JSON-escaped), its caps, read-your-writes of
 * state; the health record's exponential back-off, its cap and `retry-after-ms`; and on-start's
 * answer bounded by the manifest.
 */
import { describe, expect, test } from "bun:test";
import { createCallbackHealth } from "../../../../src/plugin/wasm/channel/callback-health.ts";
import { createCallbackScope, createEmitWindow } from "../../../../src/plugin/wasm/channel/callback-scope.ts";
import { readStartInfo } from "../../../../src/plugin/wasm/channel/start-info.ts";
import { channelManifest } from "./support.ts";

const scope = (perCallback = 5) =>
  createCallbackScope({
    channel: "chat",
    limits: { perCallback, perMinute: 100 },
    window: createEmitWindow(100),
    now: () => 0,
  });
const message = (senderId: string, extra: Record<string, unknown> = {}) => ({
  messageId: "m1",
  chatId: "room",
  senderId,
  text: "hi",
  isDirect: true,
  unsupported: false,
  ...extra,
});
const bytes = (text: string) => new TextEncoder().encode(text);

describe("callback scope", () => {
  test("a sender or presser is accepted only if the platform's bytes name it", () => {
    const callback = scope();
    expect(callback.emitMessage(message("@owner:example.org"))).toMatchObject({ ok: false });
    expect(
      callback.emitAction({
        actionId: "a1",
        chatId: "room",
        senderId: "owner-1",
        approvalId: "x",
        decision: "approve",
      }),
    ).toMatchObject({ ok: false, error: expect.stringContaining("does not appear") });
    callback.recordPlatformBytes(bytes('{"sender":"@owner:example.org","name":"Zo\\u00eb \\/ co"}'));
    expect(callback.emitMessage(message("@owner:example.org"))).toEqual({ ok: true });
    expect(callback.emitMessage(message("Zoë / co"))).toEqual({ ok: true }); // as the platform escaped it
    expect(callback.emits().length).toBe(2);
  });

  test("the per-callback cap refuses the rest and keeps what came before", () => {
    const callback = scope(2);
    callback.recordPlatformBytes(bytes("alice"));
    expect([1, 2, 3].map(() => callback.emitMessage(message("alice")).ok)).toEqual([true, true, false]);
    expect(callback.overflowed()).toBe(true);
    expect(callback.refusals()).toEqual(["over the limit of 2 emits per callback"]);
  });

  test("state reads see the callback's own writes; bad keys and values are refused", () => {
    const callback = scope();
    expect(callback.pendingRead("cursor")).toBeUndefined();
    expect(callback.write("cursor", "s2")).toEqual({ ok: true });
    expect(callback.write("gone", null)).toEqual({ ok: true });
    expect(callback.pendingRead("cursor")).toEqual({ value: "s2" });
    expect(callback.pendingRead("gone")).toEqual({ value: undefined });
    expect(callback.write("", "x").ok).toBe(false);
    expect(callback.write("k".repeat(257), "x").ok).toBe(false);
    expect(callback.write("k", 5).ok).toBe(false);
    expect(callback.write("k", "v".repeat(65_537)).ok).toBe(false);
  });
});

describe("callback health", () => {
  test("failures back off exponentially up to the cap; one success clears them", () => {
    const health = createCallbackHealth({ baseMs: 100, capMs: 1_000, refuseAfter: 3, unhealthyAfter: 2 });
    health.failed("on-poll", "the channel crashed", 0);
    expect(health.delayFor("on-poll", 0)).toBe(100);
    expect(health.health()).toEqual({ ok: true });
    health.failed("on-poll", "the channel crashed", 0);
    expect(health.delayFor("on-poll", 0)).toBe(200);
    expect(health.health()).toEqual({ ok: false, detail: "on-poll failed 2 times: the channel crashed" });
    for (let failure = 0; failure < 10; failure++) health.failed("on-poll", "again", 0);
    expect(health.delayFor("on-poll", 0)).toBe(1_000);
    health.succeeded("on-poll");
    expect(health.delayFor("on-poll", 0)).toBe(0);
    expect(health.health()).toEqual({ ok: true });
  });

  test("retry-after is a lower bound; a callback is refused only after repeated failures", () => {
    const health = createCallbackHealth({ baseMs: 100, capMs: 1_000, refuseAfter: 3, unhealthyAfter: 2 });
    health.failed("on-respond", "slow down", 0, 30_000);
    expect(health.delayFor("on-respond", 0)).toBe(30_000);
    expect(health.refused("on-respond", 0)).toBeUndefined();
    health.failed("on-respond", "slow down", 0);
    health.failed("on-respond", "slow down", 0);
    expect(health.refused("on-respond", 10)).toMatchObject({ failures: 3, reason: "slow down" });
    expect(health.refused("on-respond", 10_000)).toBeUndefined();
  });
});

describe("start info", () => {
  test("routes need a manifest webhook; the poll interval is raised to the minimum", () => {
    const asked = {
      webhooks: [{ path: "/events", methods: ["post"] }],
      pollIntervalMs: 10,
      canEdit: true,
      canApprove: 1,
    };
    const withoutWebhook = readStartInfo(channelManifest("c"), asked);
    expect(withoutWebhook).toMatchObject({
      webhooks: [],
      pollIntervalMs: 1_000,
      canEdit: true,
      canApprove: false,
    });
    const manifest = channelManifest("c", {
      polling: undefined,
      webhook: { verification: { type: "shared-secret", header: "x-token", secret: "s" } },
    });
    const info = readStartInfo(manifest, {
      ...asked,
      webhooks: [...asked.webhooks, { path: "/../etc" }, { path: "x" }],
    });
    if (typeof info === "string") throw new Error(info);
    expect(info.webhooks).toEqual([{ path: "/events", methods: ["POST"] }]);
    expect(info.pollIntervalMs).toBeUndefined(); // no polling in the manifest: never polled
    expect(info.warnings.length).toBe(3);
    expect(readStartInfo(manifest, 42)).toBe("on-start did not return a start-info record");
  });
});
