/**
 * Reads a request body that must be a JSON object. Both API routes that take a body share the
 * same answers: 400 `invalid_json` when it does not parse, 400 `invalid_request` when it parses
 * to something other than an object, so clients get one shape of error everywhere.
 */
import { json } from "./json-response.ts";

export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; response: Response };

export function badRequest(error: string, message: string): Response {
  return json({ error, message }, 400);
}

export async function readJsonObject(request: Request): Promise<JsonBody> {
  let value: unknown;
  try {
    value = JSON.parse(await request.text());
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, response: badRequest("invalid_json", `the body is not valid JSON: ${detail}`) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, response: badRequest("invalid_request", "the body must be a JSON object") };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
