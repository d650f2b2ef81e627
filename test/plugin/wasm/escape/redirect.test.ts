/**
 * Attack: an allowlisted server redirects the guest off the allowlist (another host, a path
 * outside the prefix, the metadata address). Every hop is checked before it is fetched.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { createRecordingFetch, fakeLookup } from "../support/network.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("redirect_probe", {
    http: { allowlist: [{ host: "api.example.com", pathPrefix: "/v1", methods: [] }] },
  }));
}, 120_000);
afterAll(() => harness.close());

function redirectingTo(location: string) {
  return createRecordingFetch((url) =>
    url.pathname === "/v1/start"
      ? new Response(null, { status: 302, headers: { location } })
      : new Response(`landed on ${url.href}`),
  );
}

describe("escape: redirects", () => {
  test("a redirect off the allowlist is refused before it is followed", async () => {
    for (const location of [
      "https://evil.example.net/steal",
      "https://api.example.com/admin",
      "http://169.254.169.254/latest",
    ]) {
      const network = redirectingTo(location);
      const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
      const result = JSON.parse(
        (await tool.execute({ op: "http", url: "https://api.example.com/v1/start" }, context)).content,
      );
      expect(result.failure?.kind).toBe("network-denied");
      expect(network.requests.map((request) => request.url)).toEqual(["https://api.example.com/v1/start"]);
    }
  });

  test("a redirect that stays on the allowlist is followed", async () => {
    const network = redirectingTo("/v1/next");
    const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
    const result = JSON.parse(
      (await tool.execute({ op: "http", url: "https://api.example.com/v1/start" }, context)).content,
    );
    expect(result).toMatchObject({ status: 200, body: "landed on https://api.example.com/v1/next" });
  });
});
