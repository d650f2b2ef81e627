/**
 * `skill_search`: finds skills on the configured registry (CLAWHUB_REGISTRY) by words. Risk
 * `read`, approval `never`, and in the read-only set an installed skill leaves the model: it can
 * reach only the registry's search endpoint (the client builds every URL from the configured
 * base and follows no redirect), returns short descriptions, never a skill's instructions, and
 * installs nothing. Answers are cached 5 minutes per query. The results are strangers' text: the
 * host's output scan runs over them like any tool result.
 */
import { describeError } from "../../src/errors.ts";
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import type { RegistryClient } from "../../src/skills/registry/client.ts";

export function createSkillSearchTool(registry: Pick<RegistryClient, "search" | "baseUrl">): Tool {
  return defineTool({
    name: "skill_search",
    description:
      "Search the skill registry for skills (SKILL.md instructions other people published). Returns slug, name, version and summary; install one with skill_install (the owner reviews it first).",
    risk: "read",
    approval: "never",
    // Rarely needed: waits behind tool_search, except under a read-only ceiling (offered directly).
    offer: "on-search",
    parameters: {
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 200, description: "words describing the skill" },
        limit: { type: "integer", minimum: 1, maximum: 20, description: "default 5" },
      },
      required: ["query"],
      additionalProperties: false,
    },
    async execute(params, context) {
      try {
        const results = await registry.search(params.query, params.limit ?? 5, context.signal);
        return { content: JSON.stringify({ registry: registry.baseUrl, results }) };
      } catch (error) {
        if (context.signal.aborted) throw error;
        return { isError: true, content: describeError(error) };
      }
    },
  });
}
