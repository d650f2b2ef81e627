/**
 * Webhook verification, done by the host before any guest code runs and exactly as the
 * manifest says (the guest cannot weaken it): a shared-secret header, an HMAC-SHA256 signature
 * over a template with a timestamp that must be fresh (replays), or an Ed25519 signature
 * (Discord interactions). Secrets are read from the host's store by name and never reach the
 * guest. Every comparison is constant-time: both sides are hashed to equal-length digests and
 * compared with `timingSafeEqual`, so neither the content nor the length of a guess leaks.
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from "node:crypto";
import type { WebhookVerification } from "../contract.ts";

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface SignedRequest {
  /** Header names in lower case. */
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface VerifyOptions {
  readonly revealSecret: (name: string) => Promise<string | undefined>;
  readonly nowMillis: number;
}

const refuse = (reason: string): VerifyResult => ({ ok: false, reason });

/** Constant-time equality of two strings of any length. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function freshTimestamp(raw: string | null, toleranceSeconds: number, nowMillis: number): VerifyResult {
  if (raw === null || !/^\d{1,12}$/.test(raw.trim()))
    return refuse("the timestamp header is missing or malformed");
  const skew = Math.abs(nowMillis / 1000 - Number(raw.trim()));
  return skew > toleranceSeconds
    ? refuse(`the timestamp is ${Math.round(skew)} s off (stale or replayed)`)
    : { ok: true };
}

/** The template with `{timestamp}` and `{body}` filled in, as bytes (the body is not re-encoded). */
function signedBytes(template: string, timestamp: string, body: Uint8Array): Buffer {
  const parts = template.split(/(\{timestamp\}|\{body\})/);
  return Buffer.concat(
    parts.map((part) => {
      if (part === "{timestamp}") return Buffer.from(timestamp, "utf8");
      if (part === "{body}") return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      return Buffer.from(part, "utf8");
    }),
  );
}

async function verifySharedSecret(
  rule: Extract<WebhookVerification, { type: "shared-secret" }>,
  request: SignedRequest,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const given = request.headers.get(rule.header);
  if (given === null) return refuse(`the ${rule.header} header is missing`);
  const secret = await options.revealSecret(rule.secret);
  if (secret === undefined) return refuse(`the secret "${rule.secret}" is not stored`);
  return sameSecret(given, secret) ? { ok: true } : refuse(`the ${rule.header} header does not match`);
}

async function verifyHmac(
  rule: Extract<WebhookVerification, { type: "hmac-sha256" }>,
  request: SignedRequest,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const timestamp = request.headers.get(rule.timestampHeader);
  const fresh = freshTimestamp(timestamp, rule.toleranceSeconds, options.nowMillis);
  if (!fresh.ok) return fresh;
  const signature = request.headers.get(rule.signatureHeader);
  if (signature === null || !signature.startsWith(rule.signaturePrefix)) {
    return refuse(`the ${rule.signatureHeader} header is missing or malformed`);
  }
  const secret = await options.revealSecret(rule.secret);
  if (secret === undefined) return refuse(`the secret "${rule.secret}" is not stored`);
  const expected = createHmac("sha256", secret)
    .update(signedBytes(rule.signedTemplate, (timestamp as string).trim(), request.body))
    .digest("hex");
  const given = signature.slice(rule.signaturePrefix.length).trim().toLowerCase();
  return sameSecret(given, expected) ? { ok: true } : refuse("the signature does not match");
}

function verifyEd25519(
  rule: Extract<WebhookVerification, { type: "ed25519" }>,
  request: SignedRequest,
  options: VerifyOptions,
): VerifyResult {
  const timestamp = request.headers.get(rule.timestampHeader);
  const fresh = freshTimestamp(timestamp, rule.toleranceSeconds, options.nowMillis);
  if (!fresh.ok) return fresh;
  const signature = request.headers.get(rule.signatureHeader)?.trim() ?? "";
  if (!/^[0-9a-fA-F]{128}$/.test(signature))
    return refuse(`the ${rule.signatureHeader} header is missing or malformed`);
  try {
    // SPKI DER of an Ed25519 key: a fixed 12-byte prefix, then the 32-byte raw key.
    const key = createPublicKey({
      key: Buffer.concat([
        Buffer.from("302a300506032b6570032100", "hex"),
        Buffer.from(rule.publicKey, "hex"),
      ]),
      format: "der",
      type: "spki",
    });
    const message = Buffer.concat([
      Buffer.from((timestamp as string).trim(), "utf8"),
      Buffer.from(request.body),
    ]);
    return verify(null, message, key, Buffer.from(signature, "hex"))
      ? { ok: true }
      : refuse("the signature does not match");
  } catch {
    return refuse("the signature could not be checked");
  }
}

export async function verifyWebhook(
  rule: WebhookVerification,
  request: SignedRequest,
  options: VerifyOptions,
): Promise<VerifyResult> {
  switch (rule.type) {
    case "shared-secret":
      return verifySharedSecret(rule, request, options);
    case "hmac-sha256":
      return verifyHmac(rule, request, options);
    case "ed25519":
      return verifyEd25519(rule, request, options);
    default:
      return refuse("unknown verification");
  }
}

/** Headers the guest is not shown: the shared secret itself, and credentials of any kind. */
export function hiddenHeaders(rule: WebhookVerification | undefined): ReadonlySet<string> {
  const hidden = new Set(["authorization", "proxy-authorization", "cookie"]);
  if (rule?.type === "shared-secret") hidden.add(rule.header.toLowerCase());
  return hidden;
}
