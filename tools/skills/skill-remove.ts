/**
 * `skill_remove`: removes an installed (registry) skill — its pin first, so it stops loading at
 * once, then its folder; the host reloads its skills after. Trusted skills (bundled, or the
 * owner's in IRONCLAW_HOME/skills) are not this tool's to remove: only names under
 * installed_skills are touched, and a name is checked before it becomes a path. Approval
 * `unless-auto-approved`: removing takes a capability away rather than adding one.
 */
import { describeError } from "../../src/errors.ts";
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import type { SkillInstaller } from "../../src/skills/registry/installer.ts";

export function createSkillRemoveTool(installer: Pick<SkillInstaller, "remove">): Tool {
  return defineTool({
    name: "skill_remove",
    description: "Remove a skill that was installed from the registry (by its name, as skill_list shows it).",
    risk: "write",
    approval: "unless-auto-approved",
    offer: "on-search",
    parameters: {
      type: "object",
      properties: { name: { type: "string", minLength: 1, maxLength: 64 } },
      required: ["name"],
      additionalProperties: false,
    },
    summarize: (params) => `Remove the installed skill "${params.name}"`,
    async execute(params) {
      try {
        const removed = await installer.remove(params.name);
        return { content: JSON.stringify({ removed: removed.name }) };
      } catch (error) {
        return { isError: true, content: describeError(error) };
      }
    },
  });
}
