/**
 * `defineTool` types a tool's parameters from its schema literal (checked by `tsc --noEmit`, which
 * CI runs over the tests too), and the runner's validation is what makes that type true at run
 * time: a call the schema refuses never reaches `execute`.
 */
import { describe, expect, test } from "bun:test";
import { ToolRunner } from "../../src/agent/tool-runner.ts";
import { silentLogger } from "../../src/log.ts";
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { SchemaValue } from "../../src/plugin/tool-schema.ts";
import { createTestToolContext } from "../support/tool-context.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <Check extends true>(): Check => true as Check;

const schema = {
  type: "object",
  properties: {
    text: { type: "string" },
    count: { type: "integer" },
    loud: { type: "boolean" },
    mode: { type: "string", enum: ["plain", "fancy"] },
    tags: { type: "array", items: { type: "string" } },
    headers: { type: "object", additionalProperties: { type: "string" } },
  },
  required: ["text", "mode"],
  additionalProperties: false,
} as const;

assertType<
  Equal<
    SchemaValue<typeof schema>,
    {
      text: string;
      mode: "plain" | "fancy";
      count?: number;
      loud?: boolean;
      tags?: string[];
      headers?: Record<string, string>;
    }
  >
>();

const repeat = defineTool({
  name: "repeat",
  description: "Repeat text",
  risk: "read",
  approval: "never",
  parameters: schema,
  async execute(params) {
    // @ts-expect-error `text` is a string: no cast needed, and a wrong use does not compile.
    const wrong: number = params.text;
    void wrong;
    const times = params.count ?? 1;
    const text = params.mode === "fancy" ? `*${params.text}*` : params.text;
    return { content: (params.loud ? text.toUpperCase() : text).repeat(times) };
  },
});

describe("defineTool", () => {
  test("typed parameters reach execute as validated values", async () => {
    const runner = new ToolRunner([repeat], silentLogger);
    const run = (args: unknown) =>
      runner.execute(
        runner.prepare({ id: "1", name: "repeat", arguments: JSON.stringify(args) }),
        createTestToolContext(),
      );
    expect(await run({ text: "hi", mode: "fancy", count: 2, loud: true })).toEqual({ content: "*HI**HI*" });
    expect(await run({ text: "hi", count: 2 })).toEqual({
      content: "Invalid arguments for repeat: (root) must have required property 'mode'",
      isError: true,
    });
    expect((await run({ text: 1, mode: "plain" })).isError).toBe(true);
  });
});
