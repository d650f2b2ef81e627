/**
 * Attack: return a result too large for the model's context or the host's memory (100 MB, and a
 * few MB that fit the guest's memory). The Worker refuses it before it crosses to the host.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("big_probe", {}, { resultChars: 1024 * 1024 }));
}, 120_000);
afterAll(() => harness.close());

describe("escape: huge results", () => {
  test("a 100 MB result is refused and the next call works", async () => {
    const result = await tool.execute({ op: "big", size: 100 * 1024 * 1024 }, createTestToolContext());
    expect(result.isError).toBe(true);
    expect(result.content.length).toBeLessThan(1_000);
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
  });

  test("a result above the cap is refused with its size", async () => {
    const result = await tool.execute({ op: "big", size: 5_000_000 }, createTestToolContext());
    expect(result).toEqual({
      content: "the tool returned 5000000 characters, above the cap of 1048576",
      isError: true,
    });
    const fits = await tool.execute({ op: "big", size: 1000 }, createTestToolContext());
    expect(fits.content).toBe("x".repeat(1000));
  });
});
