/**
 * Webhooks through a real guest: only routes on-start returned, only with `webhook` in the
 * manifest, verified before any guest code runs (a bad signature or a stale timestamp is a 401
 * and the guest's run counter in its store does not move), the shared secret never shown to
 * the guest, and a verified request's emit reaches the host with the registered id.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import type { WebhookVerification } from "../../../../src/plugin/wasm/contract.ts";
import {
  type ChannelTestKit,
  channelArtifact,
  createChannelTestKit,
  createRecordingHost,
  platformBase,
} from "./support.ts";

let kit: ChannelTestKit;
beforeEach(() => {
  kit = createChannelTestKit({ hook_secret: "s3cret-value" });
});
afterEach(() => kit.close());

const sharedSecret: WebhookVerification = {
  type: "shared-secret",
  header: "x-hook-token",
  secret: "hook_secret",
};
const hmac: WebhookVerification = {
  type: "hmac-sha256",
  secret: "hook_secret",
  signatureHeader: "x-signature",
  signaturePrefix: "v0=",
  timestampHeader: "x-timestamp",
  signedTemplate: "v0:{timestamp}:{body}",
  toleranceSeconds: 300,
};
const config = { base: platformBase, webhooks: [{ path: "/events", methods: [] }] };

async function started(name: string, verification?: WebhookVerification) {
  const artifact = await channelArtifact(name, {
    config,
    polling: undefined,
    ...(verification ? { webhook: { verification } } : {}),
  });
  const channel = await kit.runtime.load(artifact, kit.bindings());
  const recorded = createRecordingHost(kit.log);
  await channel.start(recorded.host);
  return { channel, ...recorded };
}

const update = JSON.stringify({ id: "w-1", chat: "room-1", from: "alice", text: "via webhook" });
const post = (headers: Record<string, string>, body = update, path = "/channels/hooked/events") =>
  new Request(`http://gateway.test${path}?x=1`, { method: "POST", headers, body });

describe("wasm channel webhooks", () => {
  test("a verified request runs the guest, its emit reaches the host, the secret header is hidden", async () => {
    const { channel, messages } = await started("hooked", sharedSecret);
    const response = await channel.handleHttp?.(
      post({ "x-hook-token": "s3cret-value", cookie: "a=b" }),
      "/events",
    );
    expect(response?.status).toBe(200);
    expect(await response?.json()).toEqual({ ok: true, result: "ok" });
    expect(messages.map((message) => [message.channel, message.messageId, message.senderId])).toEqual([
      ["hooked", "w-1", "alice"],
    ]);
    const seen = JSON.parse(kit.state.values("hooked").get("last-webhook") ?? "{}");
    expect(seen.path).toBe("/events");
    expect(seen.query).toBe("x=1");
    expect(Object.keys(seen.headers)).not.toContain("x-hook-token");
    expect(Object.keys(seen.headers)).not.toContain("cookie");
    expect(JSON.stringify(seen)).not.toContain("s3cret-value");
  }, 60_000);

  test("a wrong, missing or stale signature is a 401 and no guest code runs", async () => {
    const { channel, messages } = await started("hooked", hmac);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = (at: string) =>
      `v0=${createHmac("sha256", "s3cret-value").update(`v0:${at}:${update}`).digest("hex")}`;
    const stale = String(Math.floor(Date.now() / 1000) - 3_600);
    const attempts: Record<string, string>[] = [
      {},
      { "x-timestamp": timestamp, "x-signature": "v0=00" },
      // One hex digit changed (always to a different one), the length kept.
      {
        "x-timestamp": timestamp,
        "x-signature": signature(timestamp).replace(/.$/, (last) => (last === "0" ? "1" : "0")),
      },
      { "x-timestamp": stale, "x-signature": signature(stale) },
    ];
    for (const headers of attempts) {
      const response = await channel.handleHttp?.(post(headers), "/events");
      expect(response?.status).toBe(401);
    }
    expect(kit.state.values("hooked").get("runs:on-http-request")).toBeUndefined();
    expect(messages).toEqual([]);
    const good = await channel.handleHttp?.(
      post({ "x-timestamp": timestamp, "x-signature": signature(timestamp) }),
      "/events",
    );
    expect(good?.status).toBe(200);
    expect(kit.state.values("hooked").get("runs:on-http-request")).toBe("1");
  }, 60_000);

  test("a guest cannot set cookies, CORS or redirects on the gateway's origin, nor have its answer rendered", async () => {
    kit.state.values("hooked").set("mode:response-headers", "hostile");
    const { channel } = await started("hooked", sharedSecret);
    const response = await channel.handleHttp?.(post({ "x-hook-token": "s3cret-value" }), "/events");
    expect(response?.status).toBe(200);
    const headers = Object.fromEntries(response?.headers.entries() ?? []);
    expect(headers).toMatchObject({
      "content-type": "text/html",
      "x-trace": "t-1",
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
    });
    expect(headers["set-cookie"]).toBeUndefined();
    expect(headers["access-control-allow-origin"]).toBeUndefined();
    expect(headers.location).toBeUndefined();
  }, 60_000);

  test("a malformed answer is a 502 and counts against the channel's health", async () => {
    kit.state.values("hooked").set("mode:response-status", "99");
    const { channel } = await started("hooked", sharedSecret);
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await channel.handleHttp?.(post({ "x-hook-token": "s3cret-value" }), "/events");
      expect(response?.status).toBe(502);
    }
    expect(channel.health?.()).toEqual({
      ok: false,
      detail: "on-http-request failed 3 times: it answered the webhook with an invalid status (99)",
    });
  }, 60_000);

  test("paths on-start did not return, other methods, and a manifest without webhook are not served", async () => {
    const { channel } = await started("hooked", sharedSecret);
    expect(await channel.handleHttp?.(post({ "x-hook-token": "s3cret-value" }), "/other")).toBeUndefined();
    const get = new Request("http://gateway.test/channels/hooked/events", {
      headers: { "x-hook-token": "s3cret-value" },
    });
    expect((await channel.handleHttp?.(get, "/events"))?.status).toBe(405);
    const bare = await started("bare");
    expect(await bare.channel.handleHttp?.(post({}), "/events")).toBeUndefined();
    expect(kit.lines.some((line) => JSON.stringify(line.fields).includes("declares no webhook"))).toBe(true);
  }, 60_000);
});
