/**
 * Attack: flood the host log (many lines, huge lines) or smuggle log text to the model. Lines
 * are capped per call and in length; they go to the host log only, never into the result.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("log_probe"));
}, 120_000);
afterAll(() => harness.close());

const guestLines = () => harness.lines.filter((line) => line.fields.source === "wasm-guest");

describe("escape: log spam", () => {
  test("ten thousand lines are capped per call", async () => {
    const result = await tool.execute({ op: "log", count: 10_000 }, createTestToolContext());
    expect(result).toEqual({ content: "logged" });
    await Bun.sleep(50);
    const lines = guestLines();
    expect(lines.length).toBeLessThanOrEqual(101);
    expect(lines.length).toBeGreaterThanOrEqual(100);
    expect(lines.at(-1)?.message).toBe("further log lines of this call dropped");
  });

  test("a huge line is truncated and nothing reaches the model", async () => {
    harness.lines.length = 0;
    const result = await tool.execute({ op: "log", message: "y".repeat(1_000_000) }, createTestToolContext());
    expect(result).toEqual({ content: "logged" });
    await Bun.sleep(50);
    const [line] = guestLines();
    expect(line?.message.length).toBeLessThanOrEqual(2_001);
  });
});
