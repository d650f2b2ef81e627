/**
 * The network edge of the WASM HTTP tests: a fake `fetch` that records every request it is asked
 * to make (so a test can prove a refused request never left the host) and answers from a
 * handler, and fake name resolution (public by default, or whatever a rebinding test needs).
 */
import type { FetchFunction } from "../../../../src/plugin/ports/http/send-request.ts";

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export function createRecordingFetch(handler: (url: URL, init: RequestInit) => Response | Promise<Response>) {
  const requests: RecordedRequest[] = [];
  const fetch: FetchFunction = async (url, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    requests.push({
      url: url.href,
      method: String(init.method ?? "GET"),
      headers,
      ...(typeof init.body === "string" ? { body: init.body } : {}),
    });
    return handler(url, init);
  };
  return { fetch, requests };
}

export function fakeLookup(addresses: Record<string, string> = {}, fallback = "93.184.216.34") {
  return async (hostname: string) => [{ address: addresses[hostname] ?? fallback, family: 4 }];
}
