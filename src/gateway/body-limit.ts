/**
 * The body limit of every gateway route (GATEWAY_MAX_BODY, 1 MiB by default). It is enforced once,
 * in front of all routes, because the routes read bodies in different ways: the JSON API through
 * `json-body.ts`, channel webhooks (Telegram, Slack) through their own SDK code. A declared
 * `Content-Length` above the limit is refused before anything is read; a body without one
 * (chunked) is read up to the limit and cut there. Either way the answer is a 413 with a JSON
 * message, and the route never sees the request.
 *
 * A body within the limit is buffered and handed on in a fresh Request, so a route can read it
 * in any way it likes without being able to exceed the limit.
 */
import { json } from "./json-response.ts";

export const defaultMaxBodyBytes = 1024 * 1024;

export type BoundedRequest = { ok: true; request: Request } | { ok: false; response: Response };

/** "1 MiB", "64 KiB", "1000 bytes": how the limit is shown to clients. */
export function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export function payloadTooLarge(maxBytes: number): Response {
  return json(
    {
      error: "payload_too_large",
      message: `the request body is larger than the limit of ${formatBytes(maxBytes)}`,
    },
    413,
    // The rest of the body was not read: this connection cannot carry another request.
    { connection: "close" },
  );
}

export async function readBodyWithin(request: Request, maxBytes: number): Promise<BoundedRequest> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    return { ok: false, response: payloadTooLarge(maxBytes) };
  }
  // No route reads the body of a GET or HEAD (and a new Request of those cannot carry one).
  if (request.body === null || request.method === "GET" || request.method === "HEAD") {
    return { ok: true, request };
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, response: payloadTooLarge(maxBytes) };
    }
    chunks.push(chunk.value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const headers = new Headers(request.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(total));
  return {
    ok: true,
    request: new Request(request.url, { method: request.method, headers, body, signal: request.signal }),
  };
}
