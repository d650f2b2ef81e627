/**
 * The module a tool imports as "ironclaw:tool" (the builder rewrites that specifier to this
 * file): synchronous HTTP, workspace reads and secret checks, each a thin wrapper over one host
 * function of `ironclaw:plugin/host` that turns the host's typed failures into Errors. Types for
 * authors: tools/wit/ironclaw-tool.d.ts.
 */
import * as host from "ironclaw:plugin/host@0.1.0";
import { formatValue, requireRunning } from "./prelude.js";

/** What a host function answered instead of a value (a denied request, a missing file). */
function hostFailure(error) {
  return error && typeof error === "object" && "payload" in error ? error.payload : error;
}

/** An HTTP request the host did not perform; `kind` is the WIT http-failure-kind. */
export class HttpError extends Error {
  constructor(kind, message) {
    super(`${kind}: ${message}`);
    this.name = "HttpError";
    this.kind = kind;
  }
}

function encodeBody(body, headers) {
  if (body === undefined || body === null) return null;
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  return new TextEncoder().encode(JSON.stringify(body));
}

function request(url, options = {}) {
  requireRunning("http");
  const method = String(options.method ?? "GET").toUpperCase();
  const headers = { ...(options.headers ?? {}) };
  const body = encodeBody(options.body, headers);
  const timeoutMs = Math.max(1, Math.min(Number(options.timeoutMs ?? 10000), 4294967295)) >>> 0;
  let answer;
  try {
    answer = host.httpRequest(method, String(url), JSON.stringify(headers), body, timeoutMs);
  } catch (error) {
    const failure = hostFailure(error);
    if (failure && typeof failure === "object" && "kind" in failure)
      throw new HttpError(failure.kind, failure.message);
    throw error;
  }
  const bytes = answer.body instanceof Uint8Array ? answer.body : new Uint8Array(answer.body);
  const responseHeaders = JSON.parse(answer.headersJson || "{}");
  return Object.freeze({
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    headers: responseHeaders,
    body: bytes,
    text: () => new TextDecoder().decode(bytes),
    json: () => JSON.parse(new TextDecoder().decode(bytes)),
  });
}

/** Synchronous HTTP through the host: the call blocks until the answer (no `await`). */
export const http = Object.freeze({
  request,
  get: (url, options = {}) => request(url, { ...options, method: "GET" }),
  post: (url, options = {}) => request(url, { ...options, method: "POST" }),
});

/** Text files under the workspace prefixes the manifest grants. */
export const workspace = Object.freeze({
  read(path) {
    requireRunning("workspace.read");
    try {
      return host.workspaceRead(String(path));
    } catch (error) {
      const failure = hostFailure(error);
      throw new Error(
        typeof failure === "string" ? failure : `workspace.read failed: ${formatValue(failure)}`,
      );
    }
  },
});

/** Whether the owner stored a secret of this name and the manifest lists it; never its value. */
export function secretExists(name) {
  requireRunning("secretExists");
  return host.secretExists(String(name));
}
