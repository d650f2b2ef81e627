/**
 * A request under `/channels/<name>/`: served only for a path `on-start` returned, and only when
 * the manifest declares `webhook`; anything else is not this channel's (undefined → 404). The
 * body is read (capped), the signature verified the manifest's way — a bad or missing signature
 * or a stale timestamp is a 401 before any guest code runs — and then `on-http-request` runs with
 * the body as the bytes the platform gave it (anti-forgery). A guest that misses its deadline
 * answers 504, a crash 500, a malformed answer 502 (headers limited to what platforms read), a
 * guest backed off after repeated failures 503 with Retry-After.
 */
import type { WasmChannelManifest } from "../contract.ts";
import type { CallbackHealth } from "./callback-health.ts";
import type { CallbackResult } from "./run-callback.ts";
import type { WebhookRoute } from "./start-info.ts";
import { hiddenHeaders, verifyWebhook } from "./webhook-verify.ts";

export interface WebhookContext {
  readonly manifest: WasmChannelManifest;
  readonly routes: () => readonly WebhookRoute[];
  readonly health: CallbackHealth;
  readonly revealSecret: (name: string) => Promise<string | undefined>;
  readonly now: () => number;
  /** Largest body handed to the guest. */
  readonly maxBodyBytes: number;
  readonly run: (request: unknown, body: Uint8Array) => Promise<CallbackResult>;
  readonly refused: (reason: string) => void;
}

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });

/**
 * Headers a guest may set on its answer: what platforms read (content type, caching, a retry
 * hint) and `x-…` ones. Never cookies, CORS, redirects or framing rules on the gateway's origin.
 */
function allowedResponseHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return ["content-type", "cache-control", "retry-after"].includes(lower) || /^x-[a-z0-9-]+$/.test(lower);
}

/** Set on every guest answer: it is never rendered as a page of the gateway's origin. */
const guardHeaders = { "x-content-type-options": "nosniff", "content-security-policy": "sandbox" };

async function readBody(request: Request, cap: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > cap) return undefined;
  const bytes = new Uint8Array(await request.arrayBuffer());
  return bytes.byteLength > cap ? undefined : bytes;
}

/** Why the guest's http-response-out cannot be answered with, or undefined. */
export function webhookResponseProblem(value: unknown): string | undefined {
  const record = (value ?? {}) as { status?: unknown; headersJson?: unknown };
  const status = record.status;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    return `it answered the webhook with an invalid status (${String(status)})`;
  }
  try {
    const headers = JSON.parse(
      typeof record.headersJson === "string" && record.headersJson !== "" ? record.headersJson : "{}",
    );
    if (headers === null || typeof headers !== "object" || Array.isArray(headers))
      throw new Error("not an object");
  } catch {
    return "it answered the webhook with malformed headers";
  }
  return undefined;
}

/** The guest's (checked) http-response-out as a Response. */
function responseOf(value: unknown): Response {
  const record = value as { status: number; headersJson: string; body?: unknown };
  const headers = new Headers();
  const parsed = JSON.parse(record.headersJson === "" ? "{}" : record.headersJson) as Record<string, unknown>;
  for (const [name, header] of Object.entries(parsed)) {
    if (typeof header === "string" && allowedResponseHeader(name)) headers.set(name, header);
  }
  for (const [name, value] of Object.entries(guardHeaders)) headers.set(name, value);
  const body = record.body instanceof Uint8Array ? record.body : new Uint8Array();
  const noBody = record.status === 204 || record.status === 304;
  return new Response(noBody ? null : body, { status: record.status, headers });
}

export async function handleWebhook(
  context: WebhookContext,
  request: Request,
  path: string,
): Promise<Response | undefined> {
  const verification = context.manifest.webhook?.verification;
  if (!verification) return undefined;
  const route = context.routes().find((candidate) => candidate.path === path);
  if (!route) return undefined;
  if (!route.methods.includes(request.method)) {
    return plain(405, "method not allowed", { allow: route.methods.join(", ") });
  }
  const body = await readBody(request, context.maxBodyBytes);
  if (!body) return plain(413, "the request body is too large");
  const verdict = await verifyWebhook(
    verification,
    { headers: request.headers, body },
    { revealSecret: context.revealSecret, nowMillis: context.now() },
  );
  if (!verdict.ok) {
    context.refused(verdict.reason);
    return plain(401, "unauthorized");
  }
  const backedOff = context.health.refused("on-http-request", context.now());
  if (backedOff) {
    return plain(503, "the channel is backing off after repeated failures", {
      "retry-after": String(Math.max(1, Math.ceil(backedOff.waitMs / 1000))),
    });
  }
  const hidden = hiddenHeaders(verification);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!hidden.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  });
  const url = new URL(request.url);
  const result = await context.run(
    {
      method: request.method,
      path,
      query: url.search.replace(/^\?/, ""),
      headersJson: JSON.stringify(headers),
      body,
    },
    body,
  );
  if (result.ok) return responseOf(result.value);
  if (result.kind === "malformed") return plain(502, "the channel answered with a malformed response");
  if (result.timedOut) return plain(504, "the channel did not answer in time");
  if (result.kind === "error" && result.retryAfterMs !== undefined) {
    return plain(503, "the channel asked to retry later", {
      "retry-after": String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))),
    });
  }
  return plain(result.kind === "cancelled" ? 503 : 500, "the channel could not handle the request");
}
