/**
 * Slack's HTTP delivery: events as JSON, interactions form-encoded as `payload=<JSON>`, each
 * signed with `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:<timestamp>:<body>"))`. Options
 * produce what a channel must refuse (a stale timestamp, a wrong signature) and Slack's retries
 * (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`).
 */
import { createHmac } from "node:crypto";

export interface HttpDeliveryOptions {
  /** Seconds since the epoch to sign with (default: now). */
  timestamp?: number;
  /** Sign with this secret instead (a wrong signature). */
  secret?: string;
  /** Send this signature header verbatim. */
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

export interface HttpDeliveryResult {
  status: number;
  body: string;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export function encodeBody(payload: unknown, form: boolean): { body: string; contentType: string } {
  if (!form) return { body: JSON.stringify(payload), contentType: "application/json" };
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: "application/x-www-form-urlencoded",
  };
}

/** POSTs `body` to `url` the way Slack does; resolves with the answer. */
export async function postSigned(
  url: string,
  secret: string,
  encoded: { body: string; contentType: string },
  options: HttpDeliveryOptions = {},
): Promise<HttpDeliveryResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": encoded.contentType,
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": options.signature ?? sign(options.secret ?? secret, timestamp, encoded.body),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
  }
  const response = await fetch(url, { method: "POST", headers, body: encoded.body });
  return { status: response.status, body: await response.text() };
}
