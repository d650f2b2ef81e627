import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/log.ts";
import type { ToolContext } from "../../src/plugin/tool.ts";
import { createEchoTool } from "../../tools/echo/index.ts";

const context: ToolContext = {
  signal: new AbortController().signal,
  log: silentLogger,
  conversationId: "conversation-1",
  turnId: "turn-1",
};

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
