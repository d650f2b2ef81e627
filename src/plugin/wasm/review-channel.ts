/**
 * What the owner reads before a channel is installed, beside the SHA-256 and size review.ts
 * prints for every plugin: whose messages it may hand in (the owner id, or pairing), which hosts
 * it reaches and which credential the host sends there, how webhooks are verified, how often it
 * polls, how much it may emit, and the config it starts with. In words an owner can judge, the
 * same lines in `tools install` and `tools inspect`.
 */
import type { WasmChannelManifest, WebhookVerification } from "./contract.ts";
import type { GrantStatus } from "./credential-grants.ts";
import { describeNetwork } from "./review-network.ts";

function describeVerification(verification: WebhookVerification): string {
  switch (verification.type) {
    case "shared-secret":
      return `header ${verification.header} must equal secret ${verification.secret}`;
    case "hmac-sha256":
      return `HMAC-SHA256 with secret ${verification.secret} in header ${verification.signatureHeader}, over "${verification.signedTemplate}", timestamp (${verification.timestampHeader}) within ${verification.toleranceSeconds} s`;
    case "ed25519":
      return `Ed25519 signature in header ${verification.signatureHeader} by public key ${verification.publicKey.slice(0, 16)}…, timestamp (${verification.timestampHeader}) within ${verification.toleranceSeconds} s`;
  }
}

function seconds(milliseconds: number): string {
  return `${milliseconds / 1000} s`;
}

/** The channel manifest's grants, one line each. */
export function describeChannelCapabilities(
  manifest: WasmChannelManifest,
  grants?: readonly GrantStatus[],
): string[] {
  const lines: string[] = [
    manifest.ownerId === undefined
      ? "Owner: pairing (the first person to message it gets a one-time code you confirm)."
      : `Owner: only messages from ${manifest.ownerId} reach the assistant.`,
    ...describeNetwork(manifest, grants, "channel"),
  ];
  lines.push(
    manifest.webhook
      ? `Webhooks: under /channels/${manifest.name}/, verified by the host before the channel sees them: ${describeVerification(manifest.webhook.verification)}.`
      : "Webhooks: none.",
  );
  lines.push(
    manifest.polling
      ? `Polling: at most every ${seconds(manifest.polling.minIntervalMs)}, each poll up to ${seconds(manifest.polling.timeoutMs)}.`
      : "Polling: none.",
  );
  lines.push(
    `Emits: at most ${manifest.emits.perCallback} messages or button presses per callback, ${manifest.emits.perMinute} a minute.`,
  );
  const config = JSON.stringify(manifest.config);
  lines.push(
    `Config: ${config === "{}" ? "none" : config.length > 300 ? `${config.slice(0, 300)}…` : config}.`,
  );
  return lines;
}
