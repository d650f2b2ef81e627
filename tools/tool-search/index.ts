/**
 * The `tool_search` tool: once more than a handful of tools are installed, sending every
 * definition with every turn would cost more than the conversation itself. The host then offers
 * the core tools plus this one; the model searches by words, gets the definitions of the
 * matching installed tools, and the host offers those for the rest of the turn (it reads them
 * back from this tool's result, src/agent/tool-offer.ts).
 *
 * Approval tier: `never`. It only reads the host's own list of installed tools.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";

export const toolSearchName = "tool_search";

/** What the search sees of an installed tool: the definition the model would be given. */
export interface SearchableTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

const maxMatches = 5;

/** Tools whose name or description contains the most of the query's words, best first. */
export function matchTools(catalog: readonly SearchableTool[], query: string): SearchableTool[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1);
  return catalog
    .map((tool) => {
      const haystack = `${tool.name.replace(/[_-]/g, " ")} ${tool.description}`.toLowerCase();
      return { tool, score: words.filter((word) => haystack.includes(word)).length };
    })
    .filter((entry) => entry.score > 0)
    .sort((left, right) => right.score - left.score)
    .slice(0, maxMatches)
    .map((entry) => entry.tool);
}

/** `catalog` is read on every call, so tools installed later are found too. */
export function createToolSearchTool(catalog: () => readonly SearchableTool[]): Tool {
  return defineTool({
    name: toolSearchName,
    description:
      "Find more tools by keywords (routines, jobs, secrets, building or installed tools); matches become callable.",
    parameters: {
      type: "object",
      properties: { query: { type: "string" } },
      required: ["query"],
      additionalProperties: false,
    },
    risk: "read",
    approval: "never",
    async execute(params): Promise<ToolResult> {
      const tools = catalog();
      const matches = matchTools(tools, params.query);
      if (matches.length === 0) {
        const names = tools.map((tool) => tool.name).join(", ");
        return { content: `No tool matches "${params.query}". Searchable: ${names || "none"}.` };
      }
      return { content: JSON.stringify({ tools: matches }) };
    },
  });
}
