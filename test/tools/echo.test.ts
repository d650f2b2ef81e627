import { describe, expect, test } from "bun:test";
import { createEchoTool } from "../../tools/echo/index.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const context = createTestToolContext();

describe("echo tool", () => {
  const tool = createEchoTool();

  test("returns the text unchanged, whitespace and unicode included", async () => {
    const text = "  héllo\nwörld 👋  ";
    expect(await tool.execute({ text }, context)).toEqual({ content: text });
  });

  test("returns an empty string for empty text", async () => {
    expect((await tool.execute({ text: "" }, context)).content).toBe("");
  });

  test("is a read-only tool requiring text and nothing else", () => {
    expect(tool.name).toBe("echo");
    expect(tool.risk).toBe("read");
    expect(tool.approval).toBe("never");
    expect(tool.parameters).toMatchObject({ required: ["text"], additionalProperties: false });
  });
});
