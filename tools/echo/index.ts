/**
 * The `echo` tool: returns its input unchanged. It exists to prove the tool path end to end (the
 * model calls a tool, the host validates and runs it, the result returns to the model) without
 * touching the world, which makes it the smallest useful fixture for agent and approval tests.
 *
 * Approval tier: `never`. It reads nothing and changes nothing; a prompt-injected model gains
 * nothing by calling it, since the output is the model's own input.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";

export function createEchoTool(): Tool {
  return defineTool({
    name: "echo",
    description: "Returns the text unchanged.",
    parameters: {
      type: "object",
      properties: {
        text: { type: "string" },
      },
      required: ["text"],
      additionalProperties: false,
    },
    risk: "read",
    offer: "on-search",
    approval: "never",
    async execute(params): Promise<ToolResult> {
      return { content: params.text };
    },
  });
}
