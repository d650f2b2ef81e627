/**
 * The runner's own guarantees, whatever a tool does: the text the model receives is capped, a
 * cut never splits a character, a precheck that throws becomes a refusal the model can read, and
 * arguments are validated against the schema (compiled on first use) — a schema that does not
 * compile fails that tool's calls, never the runner or the other tools.
 */
import { describe, expect, test } from "bun:test";
import { capOutput, ToolRunner } from "../../src/agent/tool-runner.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const context = createTestToolContext({ conversationId: "c", turnId: "t" });

function toolReturning(content: string, extra: Partial<Tool> = {}): Tool {
  return {
    name: "big",
    description: "Returns a lot",
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: {}, additionalProperties: false },
    execute: async () => ({ content }),
    ...extra,
  };
}

const call = { id: "1", name: "big", arguments: "{}" };

describe("tool runner", () => {
  test("a tool's output is cut to the ceiling, with a note saying so", async () => {
    const runner = new ToolRunner([toolReturning("x".repeat(300_000))], silentLogger, {
      maxOutputChars: 10_000,
    });
    const result = await runner.execute(runner.prepare(call), context);
    expect(result.content.length).toBeLessThanOrEqual(10_000);
    expect(result.content).toStartWith("x".repeat(9_000));
    expect(result.content).toEndWith(
      "[Output cut: the tool returned 300000 characters; only the first part is shown.]",
    );
  });

  test("the default ceiling applies without options, and short output is untouched", async () => {
    const runner = new ToolRunner([toolReturning("y".repeat(1_000_000))], silentLogger);
    expect((await runner.execute(runner.prepare(call), context)).content.length).toBeLessThanOrEqual(100_000);
    expect(capOutput({ content: "short" }, 100)).toEqual({ content: "short" });
  });

  test("a cut does not leave half of a surrogate pair", () => {
    for (let cap = 100; cap < 140; cap += 1) {
      const { content } = capOutput({ content: "😀".repeat(200) }, cap);
      expect(content.length).toBeLessThanOrEqual(cap);
      expect(content.split("\n")[0]).toMatch(/^(😀)*$/u);
    }
  });

  test("a precheck that throws is a refusal for the model; no precheck means no refusal", async () => {
    const failing = toolReturning("ok", {
      precheck: async () => {
        throw new Error("resolver exploded");
      },
    });
    const runner = new ToolRunner([failing], silentLogger);
    expect(await runner.precheck(runner.prepare(call), context)).toBe(
      "The tool big could not check this call: resolver exploded",
    );
    const plain = new ToolRunner([toolReturning("ok")], silentLogger);
    expect(await plain.precheck(plain.prepare(call), context)).toBeNull();
  });

  test("arguments are checked against the schema, compiled on the tool's first call", () => {
    const strict = toolReturning("ok", {
      parameters: {
        type: "object",
        properties: { count: { type: "integer", minimum: 1 } },
        required: ["count"],
        additionalProperties: false,
      },
    });
    const runner = new ToolRunner([strict], silentLogger);
    expect(runner.prepare({ ...call, arguments: '{"count":3}' }).params).toEqual({ count: 3 });
    expect(runner.prepare({ ...call, arguments: '{"count":0}' }).error).toBe(
      "Invalid arguments for big: /count must be >= 1",
    );
    // The second failing call uses the same compiled validator: still checked, same answer.
    expect(runner.prepare({ ...call, arguments: '{"count":"3","extra":1}' }).error).toBe(
      "Invalid arguments for big: (root) must NOT have additional properties; /count must be integer",
    );
  });

  test("a schema that does not compile makes that tool's calls error results; other tools still run", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "error", format: "json", write: (line) => lines.push(line) });
    const broken = toolReturning("never", {
      name: "broken",
      parameters: { type: "object", properties: { a: { type: "no-such-type" } } },
    });
    const runner = new ToolRunner([broken, toolReturning("ok")], log);
    const refused = runner.prepare({ id: "2", name: "broken", arguments: "{}" });
    expect(refused.error).toBe("The tool broken cannot be called: its parameter schema is invalid.");
    expect(refused.params).toBeUndefined();
    expect(runner.prepare(call).params).toEqual({});
    expect(lines.some((line) => line.includes("tool parameter schema does not compile"))).toBe(true);
  });
});
