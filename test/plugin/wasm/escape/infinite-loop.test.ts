/**
 * Attack: never return (a busy loop; a host call that never completes). Bun cannot stop a Worker
 * spinning in wasm, so metered loops stop the guest at its deadline; a host call is waited for
 * only until the deadline. The instance is discarded and the next call works.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { createRecordingFetch, fakeLookup } from "../support/network.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

const timeoutMs = 500;
let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("loop_probe", {
    limits: { timeoutMs },
    http: { allowlist: [{ host: "slow.example.com", pathPrefix: "/", methods: [] }] },
  }));
}, 120_000);
afterAll(() => harness.close());

describe("escape: infinite loops", () => {
  test("while(true){} is stopped at the deadline and the next call works", async () => {
    for (let round = 0; round < 2; round += 1) {
      const started = performance.now();
      const result = await tool.execute({ op: "loop" }, createTestToolContext());
      console.log(
        `while(true) stopped after ${(performance.now() - started).toFixed(0)} ms (deadline ${timeoutMs})`,
      );
      expect(result).toEqual({ content: `the tool ran out of time after ${timeoutMs} ms`, isError: true });
      expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
    }
  });

  test("a host call that never answers ends at the deadline and the next call works", async () => {
    const network = createRecordingFetch(() => new Promise<Response>(() => {}));
    const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
    const started = performance.now();
    const result = await tool.execute({ op: "http", url: "https://slow.example.com/" }, context);
    console.log(`blocked host call ended after ${(performance.now() - started).toFixed(0)} ms`);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("ran out of time");
    expect(network.requests).toHaveLength(1);
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
  });

  test("a cancelled turn stops the running call", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await tool.execute({ op: "loop" }, createTestToolContext({ signal: controller.signal }));
    expect(result).toEqual({ content: "the call was cancelled", isError: true });
    expect(performance.now() - started).toBeLessThan(timeoutMs * 4);
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
  });
});
