/** memory_read: one memory document's full text by path. Only reads, never asks. */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { inputFailure, type MemoryPort } from "./port.ts";

export function createMemoryReadTool(memory: MemoryPort): Tool {
  return defineTool({
    name: "memory_read",
    description:
      "Read one memory document by path (from memory_search or memory_tree), e.g. daily/2026-12-01.md.",
    risk: "read",
    offer: "on-search",
    approval: "never",
    parameters: {
      type: "object",
      properties: { path: { type: "string", minLength: 1 } },
      required: ["path"],
      additionalProperties: false,
    },
    async execute(params) {
      try {
        return { content: await memory.read(params.path) };
      } catch (error) {
        return inputFailure(error);
      }
    },
  });
}
