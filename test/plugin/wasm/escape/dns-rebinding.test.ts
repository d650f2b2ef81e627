/**
 * Attack: reach a private address through an allowlisted public name (DNS answering loopback,
 * the cloud metadata address or a private range for it). The http port resolves the name and
 * refuses private answers before connecting; nothing leaves the host.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { createRecordingFetch, fakeLookup } from "../support/network.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("dns_probe", {
    http: { allowlist: [{ host: "api.example.com", pathPrefix: "/", methods: [] }] },
  }));
}, 120_000);
afterAll(() => harness.close());

describe("escape: DNS rebinding", () => {
  test("an allowlisted name resolving to a private address is refused", async () => {
    for (const address of ["127.0.0.1", "169.254.169.254", "10.0.0.7", "::1", "fd00::1"]) {
      const network = createRecordingFetch(() => new Response("metadata"));
      const context = createTestToolContext(
        {},
        { fetch: network.fetch, lookup: fakeLookup({ "api.example.com": address }) },
      );
      const result = JSON.parse(
        (await tool.execute({ op: "http", url: "https://api.example.com/latest/meta-data" }, context))
          .content,
      );
      expect(result.failure?.kind).toBe("network-denied");
      expect(network.requests).toEqual([]);
    }
    const network = createRecordingFetch(() => new Response("public"));
    const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
    const result = JSON.parse(
      (await tool.execute({ op: "http", url: "https://api.example.com/" }, context)).content,
    );
    expect(result.body).toBe("public");
  });

  test("a literal private address is refused even with a public-looking allowlist", async () => {
    const network = createRecordingFetch(() => new Response("x"));
    const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
    const result = JSON.parse(
      (await tool.execute({ op: "http", url: "http://169.254.169.254/" }, context)).content,
    );
    expect(result.failure?.kind).toBe("network-denied");
    expect(network.requests).toEqual([]);
  });
});
