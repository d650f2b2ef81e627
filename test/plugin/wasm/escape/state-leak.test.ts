/**
 * Attack: keep state from one call to the next (or one conversation to another) in globals.
 * Every call runs on a fresh instance, so a counter in `globalThis` is always 1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("state_probe"));
}, 120_000);
afterAll(() => harness.close());

describe("escape: state between calls", () => {
  test("globals do not survive a call, within or across conversations", async () => {
    for (const conversationId of ["a", "a", "b", "a"]) {
      const result = await tool.execute({ op: "counter" }, createTestToolContext({ conversationId }));
      expect(result.content).toBe("1");
    }
  });

  test("calls made at the same time each get their own instance", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => tool.execute({ op: "counter" }, createTestToolContext())),
    );
    expect(results.map((result) => result.content)).toEqual(["1", "1", "1", "1", "1"]);
  });
});
