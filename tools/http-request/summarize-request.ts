/**
 * The one-line description of an HTTP call shown in approval prompts. The owner needs the method
 * and destination to decide, but header values (Authorization, API keys) and secret-looking query
 * parameters must never be echoed into a chat, so only header names are listed.
 */

const secretLookingName = /token|key|secret|pass|auth|sig|session|credential/i;

function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  }
  if (url.password !== "") url.password = "***";
  for (const name of [...new Set(url.searchParams.keys())]) {
    if (secretLookingName.test(name)) url.searchParams.set(name, "***");
  }
  return url.href.replaceAll("%2A%2A%2A", "***");
}

export function summarizeRequest(params: Record<string, unknown>): string {
  const method = typeof params.method === "string" ? params.method.toUpperCase() : "GET";
  const url = typeof params.url === "string" ? redactUrl(params.url) : "(no url)";
  const parts = [`${method} ${url}`];
  const headers = params.headers;
  if (headers !== null && typeof headers === "object") {
    const names = Object.keys(headers);
    if (names.length > 0) parts.push(`headers: ${names.join(", ")} (values hidden)`);
  }
  if (typeof params.body === "string" && params.body !== "") {
    parts.push(`body: ${params.body.length} characters`);
  }
  return parts.join("; ");
}
