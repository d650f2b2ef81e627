/**
 * A guest's `http-request`, performed on the main thread through the call's `http` port (SSRF
 * check of every hop, the safety layer's outbound scan, credential injection) with the
 * manifest's rules on top: the allowlist on every hop (redirects included), the rate limit, the
 * request and response caps, a timeout bounded by the call's deadline, and only the secrets the
 * manifest's `credentials` name, for the hosts they name. Every refusal is a typed failure the
 * guest can branch on (the WIT's `http-failure-kind`), never an exception.
 */
import { hostMatches } from "../../../secrets/mapping.ts";
import { readCappedBody } from "../../ports/http/read-capped-body.ts";
import { RequestRefusedError } from "../../ports/http/send-request.ts";
import type { ToolContext } from "../../tool.ts";
import type { WasmToolManifest } from "../contract.ts";
import { allowedBy } from "./allowlist.ts";
import type { ChannelAnswer } from "./sync-channel.ts";

export interface HttpCallArgs {
  readonly method: unknown;
  readonly url: unknown;
  readonly headersJson: unknown;
  readonly timeoutMs: unknown;
}

type FailureKind =
  | "network-denied"
  | "auth-required"
  | "too-large"
  | "timeout"
  | "rate-limited"
  | "invalid-request"
  | "network-error";

class AllowlistRefusal extends RequestRefusedError {}

const fail = (kind: FailureKind, message: string): ChannelAnswer => ({ meta: { ok: false, kind, message } });
const forbiddenHeaders = new Set(["host", "content-length", "transfer-encoding", "connection"]);

function parseHeaders(json: unknown): Headers | string {
  let value: unknown;
  try {
    value = JSON.parse(typeof json === "string" && json !== "" ? json : "{}");
  } catch {
    return "headers-json is not valid JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "headers-json must be an object";
  const headers = new Headers();
  for (const [name, header] of Object.entries(value)) {
    if (typeof header !== "string") return `header ${name} must be a string`;
    if (forbiddenHeaders.has(name.toLowerCase())) return `header ${name} is set by the host`;
    try {
      headers.set(name, header);
    } catch {
      return `header ${name} is malformed`;
    }
  }
  return headers;
}

/** The parts of a tool's or a channel's manifest an HTTP call is checked against. */
export type HttpGrants = Pick<WasmToolManifest, "http" | "credentials" | "limits">;

export interface HttpCallOptions {
  readonly manifest: HttpGrants;
  readonly context: Pick<ToolContext, "http" | "secrets" | "signal">;
  /** Epoch ms at which the guest's call ends; the request must end before it. */
  readonly callDeadline: number;
  readonly takeRequest: () => boolean;
  /** Who the refusals name ("this tool's allowlist"). Default "tool". */
  readonly subject?: "tool" | "channel";
}

export async function performHttpCall(
  args: HttpCallArgs,
  body: Uint8Array | undefined,
  options: HttpCallOptions,
): Promise<ChannelAnswer> {
  const { manifest, context } = options;
  const subject = options.subject ?? "tool";
  const method = typeof args.method === "string" ? args.method.toUpperCase() : "";
  if (!/^[A-Z]{1,16}$/.test(method)) return fail("invalid-request", "the method is malformed");
  let url: URL;
  try {
    url = new URL(String(args.url));
  } catch {
    return fail("invalid-request", "the URL is malformed");
  }
  if (!allowedBy(manifest.http.allowlist, method, url)) {
    return fail(
      "network-denied",
      `${method} ${url.origin}${url.pathname} is not on this ${subject}'s allowlist`,
    );
  }
  const headers = parseHeaders(args.headersJson);
  if (typeof headers === "string") return fail("invalid-request", headers);
  if (body && body.byteLength > manifest.limits.responseBytes) {
    return fail("too-large", `the request body is above ${manifest.limits.responseBytes} bytes`);
  }
  const grants = manifest.credentials.filter((grant) =>
    grant.hosts.some((glob) => hostMatches(glob, url.hostname)),
  );
  for (const grant of grants) {
    if (!(await context.secrets.exists(grant.secret))) {
      return fail("auth-required", `the owner has not stored the secret "${grant.secret}" yet`);
    }
  }
  if (!options.takeRequest())
    return fail("rate-limited", `this ${subject}'s requests per minute or per hour are used up`);
  const left = options.callDeadline - Date.now();
  const requested = typeof args.timeoutMs === "number" && args.timeoutMs > 0 ? args.timeoutMs : left;
  const timeoutMs = Math.max(1, Math.min(requested, left));
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout]);
  try {
    const { response } = await context.http.send(
      {
        method,
        url,
        headers,
        ...(body && body.byteLength > 0 ? { body: new TextDecoder().decode(body) } : {}),
      },
      {
        signal,
        allowedSecrets: new Set(manifest.credentials.map((grant) => grant.secret)),
        beforeSend: (hop) => {
          if (!allowedBy(manifest.http.allowlist, hop.method, hop.url)) {
            throw new AllowlistRefusal(
              `a redirect to ${hop.url.origin}${hop.url.pathname} is not on the allowlist`,
            );
          }
        },
      },
    );
    const capped = await readCappedBody(response.body, manifest.limits.responseBytes, signal);
    if (capped.truncated)
      return fail("too-large", `the response is above ${manifest.limits.responseBytes} bytes`);
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    return {
      meta: { ok: true, status: response.status, headersJson: JSON.stringify(responseHeaders) },
      body: capped.bytes,
    };
  } catch (error) {
    if (timeout.aborted) return fail("timeout", `the request took longer than ${timeoutMs} ms`);
    if (error instanceof RequestRefusedError) return fail("network-denied", error.message);
    return fail("network-error", error instanceof Error ? error.message : String(error));
  }
}
