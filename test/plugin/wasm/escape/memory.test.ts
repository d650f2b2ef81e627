/**
 * Attack: allocate without bound, or recurse without bound. Bun ignores Worker resourceLimits,
 * so the cap is the core modules' memory maximum (rewritten to the manifest's `memoryMiB`):
 * the guest fails inside its own memory and the next call gets a fresh instance.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("memory_probe", { limits: { memoryMiB: 32 } }));
}, 120_000);
afterAll(() => harness.close());

describe("escape: memory", () => {
  test("unbounded allocation stops at the cap and the next call works", async () => {
    const rssBefore = process.memoryUsage().rss;
    const result = await tool.execute({ op: "allocate" }, createTestToolContext());
    expect(result).toEqual({ content: "the tool ran out of memory (its cap is 32 MiB)", isError: true });
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
  });

  test("unbounded recursion is a crash, not a host failure, and the next call works", async () => {
    const result = await tool.execute({ op: "recurse" }, createTestToolContext());
    expect(result.isError).toBe(true);
    expect(result.content).toStartWith("the tool crashed");
    expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
  });
});
