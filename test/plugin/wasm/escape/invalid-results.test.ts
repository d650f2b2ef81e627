/**
 * Attack: confuse the host with what a call returns: throw non-strings (numbers, null, objects
 * with a non-string message), return a number or an object instead of a string. Each is an
 * error result with a clear message; the host, the tool and the next call carry on.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("invalid_probe"));
}, 120_000);
afterAll(() => harness.close());

describe("escape: invalid results", () => {
  test("non-string throws and wrong result types are error results", async () => {
    const attempts = [
      { op: "throw", value: 42 },
      { op: "throw", value: null },
      { op: "throw", value: { message: 5 } },
      { op: "throw", value: "a bare string" },
      { op: "return", value: 42 },
      { op: "return", value: { content: "fake" } },
      { op: "return", value: null },
    ];
    for (const params of attempts) {
      const result = await tool.execute(params, createTestToolContext());
      expect(result.isError).toBe(true);
      expect(result.content).toStartWith("the tool");
      expect((await tool.execute({ op: "counter" }, createTestToolContext())).content).toBe("1");
    }
  });
});
