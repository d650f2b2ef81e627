/**
 * The Bot API's wire format: parameters may come as a JSON body, a urlencoded or multipart form
 * (grammy switches to multipart when a file is attached; objects are then JSON-encoded fields)
 * or the query string; answers are JSON with the HTTP status equal to `error_code`.
 */
import type { Params, TelegramErrorBody } from "./methods.ts";

export function json(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

export function errorResponse(error: TelegramErrorBody): Response {
  return json(error.error_code, { ok: false, ...error });
}

/** Form fields arrive as strings; objects were JSON-encoded by the client, as Telegram expects. */
function formValue(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export async function readParams(request: Request, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const body = await request.text();
    if (body.trim() !== "") Object.assign(params, JSON.parse(body));
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of await request.formData()) {
      params[key] = typeof value === "string" ? formValue(value) : value;
    }
  }
  return params;
}
