/** memory_tree: the memory documents (path, size, last change), optionally under a folder. */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { inputFailure, type MemoryPort } from "./port.ts";

export function createMemoryTreeTool(memory: MemoryPort): Tool {
  return defineTool({
    name: "memory_tree",
    description: "List memory documents (path, bytes, updated), optionally under a folder such as daily/.",
    risk: "read",
    offer: "on-search",
    approval: "never",
    parameters: {
      type: "object",
      properties: { prefix: { type: "string" } },
      additionalProperties: false,
    },
    async execute(params) {
      try {
        const entries = await memory.tree(params.prefix);
        return {
          content: JSON.stringify(
            entries.map((entry) => ({
              path: entry.path,
              bytes: entry.bytes,
              updated: entry.updatedAt.toISOString(),
            })),
          ),
        };
      } catch (error) {
        return inputFailure(error);
      }
    },
  });
}
