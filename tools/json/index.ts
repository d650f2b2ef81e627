/**
 * The `json` tool: models are unreliable at reading deep values out of large JSON by eye (they
 * miscount array positions and invent keys), so this parses the document and selects by path.
 * Errors say what exists at the deepest reachable point, so the model can correct its query.
 * The path syntax is documented in query-path.ts.
 *
 * Approval tier: `never`. It is pure computation over text the model already has: no network,
 * no storage, nothing a prompt-injected model could use to reach or change anything.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";
import { parseQuery, QueryError, selectPath } from "./query-path.ts";

function failure(message: string): ToolResult {
  return { content: message, isError: true };
}

export function createJsonTool(): Tool {
  return defineTool({
    name: "json",
    description:
      'Value at a path in a JSON document, JSON-encoded. Path: a.b.c, items[0].name, items[-1] (last), ["odd.key"].',
    parameters: {
      type: "object",
      properties: {
        document: { type: "string" },
        query: { type: "string", description: "path; omit for the whole document" },
      },
      required: ["document"],
      additionalProperties: false,
    },
    risk: "read",
    offer: "on-search",
    approval: "never",
    async execute(params): Promise<ToolResult> {
      let document: unknown;
      try {
        document = JSON.parse(params.document);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return failure(`The document is not valid JSON: ${reason}`);
      }
      const query = params.query ?? "";
      try {
        const value = selectPath(document, parseQuery(query));
        return { content: JSON.stringify(value) };
      } catch (error) {
        if (error instanceof QueryError) return failure(`Query "${query}" failed: ${error.message}`);
        throw error;
      }
    },
  });
}
