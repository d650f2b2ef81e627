/**
 * memory_search: hybrid (full text + vectors) search over the owner's memory documents. Only
 * reads, so it never asks. Dates are ISO dates or instants; results are snippets with their
 * document path and chunk position, scores 0–1.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { inputFailure, type MemoryPort } from "./port.ts";

function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw Object.assign(new Error(`${field}: not a date: ${value}`), { code: "invalid_input" });
  return date;
}

export function createMemorySearchTool(memory: MemoryPort): Tool {
  return defineTool({
    name: "memory_search",
    description:
      "Search the owner's memory (notes, daily notes, MEMORY.md, earlier conversations) by meaning and keywords. Use before answering about past conversations, preferences, people, plans or decisions.",
    risk: "read",
    approval: "never",
    parameters: {
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 1000 },
        limit: { type: "integer", minimum: 1, maximum: 50, description: "default 10" },
        path_prefix: { type: "string", description: 'only documents under this path, e.g. "daily/"' },
        since: { type: "string", description: "only documents updated at or after this ISO date" },
        until: { type: "string", description: "only documents updated before this ISO date" },
      },
      required: ["query"],
      additionalProperties: false,
    },
    async execute(params) {
      try {
        const result = await memory.search({
          query: params.query,
          limit: params.limit,
          pathPrefix: params.path_prefix,
          since: parseDate(params.since, "since"),
          until: parseDate(params.until, "until"),
        });
        return { content: JSON.stringify(result) };
      } catch (error) {
        return inputFailure(error);
      }
    },
  });
}
