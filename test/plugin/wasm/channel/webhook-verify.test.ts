/**
 * Webhook verification on its own (no guest): each scheme accepts the genuine request and refuses
 * a wrong or missing signature, a stale or replayed timestamp, a tampered body, and a secret the
 * owner has not stored.
 */
import { describe, expect, test } from "bun:test";
import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import {
  hiddenHeaders,
  sameSecret,
  verifyWebhook,
} from "../../../../src/plugin/wasm/channel/webhook-verify.ts";
import type { WebhookVerification } from "../../../../src/plugin/wasm/contract.ts";

const now = 1_800_000_000_000;
const seconds = String(now / 1000);
const body = new TextEncoder().encode('{"text":"hi"}');
const secrets: Record<string, string> = { hook_secret: "s3cret-value" };
const options = { revealSecret: async (name: string) => secrets[name], nowMillis: now };
const check = (rule: WebhookVerification, headers: Record<string, string>, bytes = body) =>
  verifyWebhook(rule, { headers: new Headers(headers), body: bytes }, options);

describe("shared-secret header", () => {
  const rule: WebhookVerification = { type: "shared-secret", header: "x-hook-token", secret: "hook_secret" };
  test("the stored secret passes; anything else, or nothing, does not", async () => {
    expect(await check(rule, { "x-hook-token": "s3cret-value" })).toEqual({ ok: true });
    expect((await check(rule, { "x-hook-token": "s3cret-valuE" })).ok).toBe(false);
    expect((await check(rule, { "x-hook-token": "s3cret-value-and-more" })).ok).toBe(false);
    expect((await check(rule, {})).ok).toBe(false);
  });
  test("a secret that is not stored refuses every request", async () => {
    const missing = { ...rule, secret: "not_stored" };
    expect(await check(missing, { "x-hook-token": "" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("not stored"),
    });
  });
  test("the header carrying the secret is never shown to the guest", () => {
    expect(hiddenHeaders(rule).has("x-hook-token")).toBe(true);
    expect(hiddenHeaders(rule).has("authorization")).toBe(true);
  });
});

describe("hmac-sha256 with a timestamp", () => {
  const rule: WebhookVerification = {
    type: "hmac-sha256",
    secret: "hook_secret",
    signatureHeader: "x-signature",
    signaturePrefix: "v0=",
    timestampHeader: "x-timestamp",
    signedTemplate: "v0:{timestamp}:{body}",
    toleranceSeconds: 300,
  };
  const signature = (timestamp: string, bytes = body) =>
    `v0=${createHmac("sha256", "s3cret-value")
      .update(`v0:${timestamp}:${new TextDecoder().decode(bytes)}`)
      .digest("hex")}`;

  test("a genuine signature passes", async () => {
    expect(await check(rule, { "x-signature": signature(seconds), "x-timestamp": seconds })).toEqual({
      ok: true,
    });
  });
  test("a tampered body, a wrong prefix or a missing header is refused", async () => {
    const tampered = new TextEncoder().encode('{"text":"rm -rf"}');
    expect(
      (await check(rule, { "x-signature": signature(seconds), "x-timestamp": seconds }, tampered)).ok,
    ).toBe(false);
    expect(
      (await check(rule, { "x-signature": signature(seconds).replace("v0=", "v1="), "x-timestamp": seconds }))
        .ok,
    ).toBe(false);
    expect((await check(rule, { "x-timestamp": seconds })).ok).toBe(false);
    expect((await check(rule, { "x-signature": signature(seconds) })).ok).toBe(false);
  });
  test("a stale timestamp is refused even with a valid signature for it (a replay)", async () => {
    const old = String(now / 1000 - 301);
    expect(await check(rule, { "x-signature": signature(old), "x-timestamp": old })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("stale"),
    });
    const future = String(now / 1000 + 301);
    expect((await check(rule, { "x-signature": signature(future), "x-timestamp": future })).ok).toBe(false);
  });
});

describe("ed25519", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url").toString("hex");
  const rule: WebhookVerification = {
    type: "ed25519",
    publicKey: raw,
    signatureHeader: "x-signature-ed25519",
    timestampHeader: "x-signature-timestamp",
    toleranceSeconds: 300,
  };
  const signed = (timestamp: string, bytes = body) =>
    sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(bytes)]), privateKey).toString("hex");

  test("a genuine signature passes; another key's, a tampered body or garbage does not", async () => {
    const headers = { "x-signature-ed25519": signed(seconds), "x-signature-timestamp": seconds };
    expect(await check(rule, headers)).toEqual({ ok: true });
    expect((await check(rule, headers, new TextEncoder().encode("{}"))).ok).toBe(false);
    const other = generateKeyPairSync("ed25519").privateKey;
    const forged = sign(null, Buffer.concat([Buffer.from(seconds), Buffer.from(body)]), other).toString(
      "hex",
    );
    expect((await check(rule, { ...headers, "x-signature-ed25519": forged })).ok).toBe(false);
    expect((await check(rule, { ...headers, "x-signature-ed25519": "zz" })).ok).toBe(false);
  });
  test("a stale timestamp is refused", async () => {
    const old = String(now / 1000 - 1000);
    expect((await check(rule, { "x-signature-ed25519": signed(old), "x-signature-timestamp": old })).ok).toBe(
      false,
    );
  });
});

test("secret comparison is by content, whatever the lengths", () => {
  expect(sameSecret("abc", "abc")).toBe(true);
  expect(sameSecret("abc", "abd")).toBe(false);
  expect(sameSecret("", "abc")).toBe(false);
  expect(sameSecret("abc", "abcd")).toBe(false);
});
