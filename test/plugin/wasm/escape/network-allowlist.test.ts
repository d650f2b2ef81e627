/**
 * Attack: reach a host, method or path the manifest does not grant (and URL tricks around the
 * check). The refusal happens before anything leaves the host: the fake network records nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { createRecordingFetch, fakeLookup } from "../support/network.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("net_probe", {
    http: { allowlist: [{ host: "api.example.com", pathPrefix: "/v1", methods: ["GET"] }] },
  }));
}, 120_000);
afterAll(() => harness.close());

describe("escape: network allowlist", () => {
  test("hosts, methods and paths off the allowlist are refused without a request", async () => {
    const network = createRecordingFetch(() => new Response("ok"));
    const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
    const attempts = [
      { url: "https://evil.example.net/v1/x" },
      { url: "https://api.example.com.evil.net/v1/x" },
      { url: "https://api.example.com@evil.net/v1/x" },
      { url: "https://sub.api.example.com/v1/x" },
      { url: "https://api.example.com/v10/x" },
      { url: "https://api.example.com/admin" },
      { url: "https://api.example.com/v1/x", method: "POST", body: "{}" },
      { url: "file:///etc/passwd" },
      { url: "not a url" },
    ];
    for (const attempt of attempts) {
      const result = JSON.parse((await tool.execute({ op: "http", ...attempt }, context)).content);
      expect(result.failure?.kind).toBeOneOf(["network-denied", "invalid-request"]);
    }
    expect(network.requests).toEqual([]);
    const allowed = JSON.parse(
      (await tool.execute({ op: "http", url: "https://api.example.com/v1/x" }, context)).content,
    );
    expect(allowed).toMatchObject({ status: 200, body: "ok" });
    expect(network.requests.map((request) => request.url)).toEqual(["https://api.example.com/v1/x"]);
  });

  test("an empty allowlist reaches nothing", async () => {
    const loaded = await loadProbe("net_probe_none");
    try {
      const network = createRecordingFetch(() => new Response("ok"));
      const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
      const result = JSON.parse(
        (await loaded.tool.execute({ op: "http", url: "https://api.example.com/v1/x" }, context)).content,
      );
      expect(result.failure.kind).toBe("network-denied");
      expect(network.requests).toEqual([]);
    } finally {
      await loaded.harness.close();
    }
  }, 60_000);
});
