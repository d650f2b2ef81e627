/**
 * The `http_request` tool: lets the model call web APIs and read pages. It is the tool most
 * able to hurt the owner, so it is `external` risk with approval. It reaches the network only
 * through the host's `http` port (src/plugin/ports/http/), which refuses private and loopback
 * destinations unless HTTP_ALLOW_HOSTS names them (SSRF: cloud metadata, the router, the
 * gateway's own API) and re-checks every redirect hop; the tool caps the body it reads and the
 * time it takes.
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
import { defineTool } from "../../src/plugin/define-tool.ts";
import { RequestRefusedError } from "../../src/plugin/ports/http/http-port.ts";
import { readCappedBody } from "../../src/plugin/ports/http/read-capped-body.ts";
import type { Tool, ToolContext, ToolResult } from "../../src/plugin/tool.ts";
import { encodeWithinCap } from "./encode-result.ts";
import { type HttpRequestParams, httpRequestSchema, parseRequest } from "./parse-request.ts";
import { summarizeRequest } from "./summarize-request.ts";
import { viewBody } from "./view-body.ts";

export { type HttpRequestParams, httpMethods } from "./parse-request.ts";

export interface HttpRequestToolDeps {
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

export function createHttpRequestTool(deps: HttpRequestToolDeps = {}): Tool {
  const maxBodyBytes = deps.maxBodyBytes ?? 64 * 1024;
  const maxOutputChars = deps.maxOutputChars ?? 80_000;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const maxRedirects = deps.maxRedirects ?? 5;

  function limits(context: ToolContext) {
    const timeout = AbortSignal.timeout(timeoutMs);
    return { timeout, signal: AbortSignal.any([context.signal, timeout]) };
  }

  async function precheck(params: HttpRequestParams, context: ToolContext): Promise<string | null> {
    const parsed = parseRequest(params);
    if (parsed.error !== undefined) return parsed.error;
    const { timeout, signal } = limits(context);
    try {
      return await context.http.check(parsed.request.url, signal);
    } catch (error) {
      if (timeout.aborted)
        return `Could not check ${parsed.request.url.hostname}: name resolution timed out.`;
      throw error;
    }
  }

  async function execute(params: HttpRequestParams, context: ToolContext): Promise<ToolResult> {
    const parsed = parseRequest(params);
    if (parsed.error !== undefined) return failure(parsed.error);
    const { request } = parsed;
    const { method, url } = request;
    const { timeout, signal } = limits(context);
    try {
      const outcome = await context.http.send(request, { signal, maxRedirects });
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

  return defineTool({
    name: "http_request",
    description:
      `HTTP(S) request: status, content type, first ${maxBodyBytes} bytes of body text. ` +
      "Private and local addresses only if the owner allowed them.",
    parameters: httpRequestSchema,
    risk: "external",
    approval: "unless-auto-approved",
    precheck,
    execute,
    summarize: summarizeRequest,
  });
}
