/**
 * The `http_request` tool: lets the model call web APIs and read pages. It is the tool most
 * able to hurt the owner, so it is `external` risk with approval, refuses private and loopback
 * destinations unless HTTP_ALLOW_HOSTS names them (SSRF: cloud metadata, the router, the
 * gateway's own API), re-checks every redirect hop, caps the body it reads and the time it takes.
 * A non-2xx status is a normal result (the model reads the status); refusals, network failures and
 * timeouts are `isError` results.
 *
 * Approval tier: `unless-auto-approved`. Every request can carry data out (in its URL alone), so
 * the owner is asked by default; "Always" is the owner's informed choice to let the model browse
 * without asking, and it lifts that for this tool only — it never lets the model change what
 * runs unattended (routine changes ask every time). The destination is checked *before* the owner
 * is asked (precheck), so nobody is asked to approve a request the policy would refuse, and
 * checked again when the request is made.
 *
 * What the model receives is capped as final text (encode-result.ts), and a binary body is
 * described, not decoded (view-body.ts).
 */
import type { Tool, ToolContext, ToolResult } from "../../src/plugin/tool.ts";
import { checkDestination, createDestinationPolicy, type LookupAll, lookupAll } from "./destination-check.ts";
import { encodeWithinCap } from "./encode-result.ts";
import { httpMethods, parseRequest } from "./parse-request.ts";
import { readCappedBody } from "./read-capped-body.ts";
import { type FetchFunction, RequestRefusedError, sendRequest } from "./send-request.ts";
import { summarizeRequest } from "./summarize-request.ts";
import { viewBody } from "./view-body.ts";

export { httpMethods } from "./parse-request.ts";

export interface HttpRequestToolDeps {
  /** Hosts reachable even though private or loopback (config `HTTP_ALLOW_HOSTS`), e.g. "localhost". */
  allowHosts: readonly string[];
  fetch?: FetchFunction;
  /** Name resolution used by the SSRF check; defaults to `dns.promises.lookup(name, { all: true })`. */
  lookup?: LookupAll;
  /** Body bytes kept; the rest is not read. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Characters of the JSON result the model receives (escaping included). Default 80,000. */
  maxOutputChars?: number;
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
  const maxOutputChars = deps.maxOutputChars ?? 80_000;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const maxRedirects = deps.maxRedirects ?? 5;

  function limits(context: ToolContext) {
    const timeout = AbortSignal.timeout(timeoutMs);
    return { timeout, signal: AbortSignal.any([context.signal, timeout]) };
  }

  async function precheck(params: Record<string, unknown>, context: ToolContext): Promise<string | null> {
    const parsed = parseRequest(params);
    if (parsed.error !== undefined) return parsed.error;
    const { timeout, signal } = limits(context);
    try {
      return await checkDestination(parsed.request.url, policy, signal);
    } catch (error) {
      if (timeout.aborted)
        return `Could not check ${parsed.request.url.hostname}: name resolution timed out.`;
      throw error;
    }
  }

  async function execute(params: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const parsed = parseRequest(params);
    if (parsed.error !== undefined) return failure(parsed.error);
    const { request } = parsed;
    const { method, url } = request;
    const { timeout, signal } = limits(context);
    try {
      const outcome = await sendRequest(request, { fetch: fetchFunction, policy, signal, maxRedirects });
      const { response } = outcome;
      const read = await readCappedBody(method === "HEAD" ? null : response.body, maxBodyBytes, signal);
      if (method === "HEAD") await response.body?.cancel().catch(() => {});
      const selectedHeaders: Record<string, string> = {};
      for (const name of ["content-type", "content-length"]) {
        const value = response.headers.get(name);
        if (value !== null) selectedHeaders[name] = value;
      }
      const fields = {
        status: response.status,
        statusText: response.statusText,
        ok: response.ok,
        url: outcome.url.href,
        ...(outcome.redirects > 0 ? { redirects: outcome.redirects } : {}),
        headers: selectedHeaders,
      };
      const view = viewBody(read.bytes, response.headers.get("content-type"), read.truncated);
      const size = `${read.truncated ? "more than " : ""}${read.bytes.byteLength} bytes`;
      if (view.kind === "binary") {
        const note = `The body is binary (${size}, content type ${view.contentType}); it is not shown.`;
        return {
          content: JSON.stringify({ ...fields, body: null, binary: { bytes: read.bytes.byteLength }, note }),
        };
      }
      const byteNote = read.truncated
        ? `Body truncated: only the first ${maxBodyBytes} bytes were read.`
        : undefined;
      return { content: encodeWithinCap(fields, view.text, byteNote, maxOutputChars) };
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
      `cut after ${maxBodyBytes} bytes; a binary body is reported, not shown). Private and local ` +
      "network addresses are refused unless the owner allowed them.",
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
    precheck,
    execute,
    summarize: summarizeRequest,
  };
}
