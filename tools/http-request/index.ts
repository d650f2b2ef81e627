/**
 * The `http_request` tool: lets the model call web APIs and read pages. It is the tool most
 * able to hurt the owner, so it is `external` risk with approval, refuses private and loopback
 * destinations unless HTTP_ALLOW_HOSTS names them (SSRF: cloud metadata, the router, the
 * gateway's own API), re-checks every redirect hop, caps the body it reads and the time it takes.
 * A non-2xx status is a normal result (the model reads the status); refusals, network failures and
 * timeouts are `isError` results.
 */
import type { Tool, ToolContext, ToolResult } from "../../src/plugin/tool.ts";
import { createDestinationPolicy, type LookupAll, lookupAll } from "./destination-check.ts";
import { readCappedBody } from "./read-capped-body.ts";
import { type FetchFunction, RequestRefusedError, sendRequest } from "./send-request.ts";
import { summarizeRequest } from "./summarize-request.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export interface HttpRequestToolDeps {
  /** Hosts reachable even though private or loopback (config `HTTP_ALLOW_HOSTS`), e.g. "localhost". */
  allowHosts: readonly string[];
  fetch?: FetchFunction;
  /** Name resolution used by the SSRF check; defaults to `dns.promises.lookup(name, { all: true })`. */
  lookup?: LookupAll;
  /** Body bytes kept; the rest is not read. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Whole request, redirects and body included. Default 15 s. */
  timeoutMs?: number;
  maxRedirects?: number;
}

function failure(message: string): ToolResult {
  return { content: message, isError: true };
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${typeof code === "string" ? ` [${code}]` : ""}${cause}`;
}

export function createHttpRequestTool(deps: HttpRequestToolDeps): Tool {
  const fetchFunction: FetchFunction = deps.fetch ?? ((input, init) => fetch(input, init));
  const policy = createDestinationPolicy(deps.allowHosts, deps.lookup ?? lookupAll);
  const maxBodyBytes = deps.maxBodyBytes ?? 64 * 1024;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const maxRedirects = deps.maxRedirects ?? 5;

  async function execute(params: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const method = typeof params.method === "string" ? params.method.toUpperCase() : "";
    if (!(httpMethods as readonly string[]).includes(method)) {
      return failure(`Unsupported method "${String(params.method)}": use one of ${httpMethods.join(", ")}.`);
    }
    let url: URL;
    let headers: Headers;
    try {
      url = new URL(String(params.url));
      headers = new Headers((params.headers ?? {}) as Record<string, string>);
    } catch (error) {
      return failure(`Invalid request: ${describeFailure(error)}`);
    }
    const body = typeof params.body === "string" ? params.body : undefined;
    if (body !== undefined && (method === "GET" || method === "HEAD")) {
      return failure(`A ${method} request cannot have a body; use POST, PUT or PATCH.`);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout]);
    try {
      const outcome = await sendRequest(
        { method, url, headers, ...(body === undefined ? {} : { body }) },
        { fetch: fetchFunction, policy, signal, maxRedirects },
      );
      const { response } = outcome;
      const read = await readCappedBody(method === "HEAD" ? null : response.body, maxBodyBytes, signal);
      if (method === "HEAD") await response.body?.cancel().catch(() => {});
      const selectedHeaders: Record<string, string> = {};
      for (const name of ["content-type", "content-length"]) {
        const value = response.headers.get(name);
        if (value !== null) selectedHeaders[name] = value;
      }
      const result = {
        status: response.status,
        statusText: response.statusText,
        ok: response.ok,
        url: outcome.url.href,
        ...(outcome.redirects > 0 ? { redirects: outcome.redirects } : {}),
        headers: selectedHeaders,
        body: read.text,
        ...(read.truncated
          ? { truncated: true, note: `Body truncated: only the first ${maxBodyBytes} bytes were read.` }
          : {}),
      };
      return { content: JSON.stringify(result) };
    } catch (error) {
      if (error instanceof RequestRefusedError) {
        context.log.warn("http_request refused", { host: url.hostname, reason: error.message });
        return failure(error.message);
      }
      if (context.signal.aborted) return failure(`The request to ${url.href} was cancelled.`);
      if (timeout.aborted) return failure(`The request to ${url.href} timed out after ${timeoutMs} ms.`);
      return failure(`The request to ${url.href} failed: ${describeFailure(error)}`);
    }
  }

  return {
    name: "http_request",
    description:
      "Make an HTTP(S) request and return the status, content type and body text (the body is " +
      `cut after ${maxBodyBytes} bytes). Private and local network addresses are refused unless ` +
      "the owner allowed them.",
    parameters: {
      type: "object",
      properties: {
        method: { type: "string", enum: [...httpMethods], description: "HTTP method" },
        url: {
          type: "string",
          pattern: "^[Hh][Tt][Tt][Pp][Ss]?://",
          maxLength: 8192,
          description: "Absolute http:// or https:// URL",
        },
        headers: {
          type: "object",
          additionalProperties: { type: "string" },
          description: "Request headers by name",
        },
        body: { type: "string", description: "Request body (not allowed for GET and HEAD)" },
      },
      required: ["method", "url"],
      additionalProperties: false,
    },
    risk: "external",
    approval: "unless-auto-approved",
    execute,
    summarize: summarizeRequest,
  };
}
