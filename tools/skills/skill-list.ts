/**
 * The `skill_list` tool: what skills this assistant has — loaded ones with name, version, trust
 * and description, and the ones it found but did not load, with the reason (a missing binary, a
 * broken front matter, an installed skill whose file no longer matches its pin). It lets the
 * model answer "what can you do" and explain why a skill is not working.
 *
 * Approval tier: `never`, risk `read`; it is in the read-only set that stays available while an
 * installed skill is active (src/skills/attenuation.ts). It shows no skill bodies: listing must
 * not pull an installed skill's text into a turn where that skill was not selected.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import type { LoadedSkills } from "../../src/skills/types.ts";

export interface SkillListToolDeps {
  /** The skills as currently loaded (waits for a load in progress). */
  loaded: () => LoadedSkills | Promise<LoadedSkills>;
}

export function createSkillListTool(deps: SkillListToolDeps): Tool {
  return defineTool({
    name: "skill_list",
    description:
      "List the assistant's skills (name, version, trust, description) and those skipped, with why.",
    parameters: { type: "object", properties: {}, additionalProperties: false },
    risk: "read",
    approval: "never",
    // Rarely needed: waits behind tool_search, except under a read-only ceiling (offered directly).
    offer: "on-search",
    async execute() {
      const { skills, skipped, warnings } = await deps.loaded();
      return {
        content: JSON.stringify({
          skills: skills.map((skill) => ({
            name: skill.name,
            version: skill.version,
            trust: skill.trust,
            source: skill.source,
            description: skill.description,
            ...(skill.requires.skills.length > 0 ? { companions: skill.requires.skills } : {}),
          })),
          skipped: skipped.map((entry) => ({
            ...(entry.name ? { name: entry.name } : {}),
            reason: entry.reason,
          })),
          ...(warnings.length > 0 ? { warnings } : {}),
        }),
      };
    },
  });
}
