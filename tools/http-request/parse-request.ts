/**
 * Turns the model's arguments into a request, or says what is wrong with them. Shared by the
 * precheck (before the owner is asked) and `execute`, so both refuse exactly the same calls.
 */
import type { OutgoingRequest } from "./send-request.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function parseRequest(
  params: Record<string, unknown>,
): { request: OutgoingRequest; error?: undefined } | { error: string } {
  const method = typeof params.method === "string" ? params.method.toUpperCase() : "";
  if (!(httpMethods as readonly string[]).includes(method)) {
    return { error: `Unsupported method "${String(params.method)}": use one of ${httpMethods.join(", ")}.` };
  }
  let url: URL;
  let headers: Headers;
  try {
    url = new URL(String(params.url));
    headers = new Headers((params.headers ?? {}) as Record<string, string>);
  } catch (error) {
    return { error: `Invalid request: ${describeFailure(error)}` };
  }
  const body = typeof params.body === "string" ? params.body : undefined;
  if (body !== undefined && (method === "GET" || method === "HEAD")) {
    return { error: `A ${method} request cannot have a body; use POST, PUT or PATCH.` };
  }
  return { request: body === undefined ? { method, url, headers } : { method, url, headers, body } };
}
