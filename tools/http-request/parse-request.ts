/**
 * Turns the model's arguments into a request, or says what is wrong with them. Shared by the
 * precheck (before the owner is asked) and `execute`, so both refuse exactly the same calls.
 * The schema is the contract the runner validates against; the checks below repeat what the
 * schema cannot say (a body on GET, a URL the platform cannot parse).
 */
import type { OutgoingRequest } from "../../src/plugin/ports/http/http-port.ts";
import type { SchemaValue } from "../../src/plugin/tool-schema.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export const httpRequestSchema = {
  type: "object",
  properties: {
    method: { type: "string", enum: httpMethods },
    url: {
      type: "string",
      pattern: "^[Hh][Tt][Tt][Pp][Ss]?://",
      maxLength: 8192,
    },
    headers: { type: "object", additionalProperties: { type: "string" } },
    body: { type: "string", description: "not for GET or HEAD" },
  },
  required: ["method", "url"],
  additionalProperties: false,
} as const;

export type HttpRequestParams = SchemaValue<typeof httpRequestSchema>;

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function parseRequest(
  params: HttpRequestParams,
): { request: OutgoingRequest; error?: undefined } | { error: string } {
  const method = params.method.toUpperCase();
  if (!(httpMethods as readonly string[]).includes(method)) {
    return { error: `Unsupported method "${params.method}": use one of ${httpMethods.join(", ")}.` };
  }
  let url: URL;
  let headers: Headers;
  try {
    url = new URL(params.url);
    headers = new Headers(params.headers ?? {});
  } catch (error) {
    return { error: `Invalid request: ${describeFailure(error)}` };
  }
  const { body } = params;
  if (body !== undefined && (method === "GET" || method === "HEAD")) {
    return { error: `A ${method} request cannot have a body; use POST, PUT or PATCH.` };
  }
  return { request: body === undefined ? { method, url, headers } : { method, url, headers, body } };
}
